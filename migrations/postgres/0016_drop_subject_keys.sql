-- Konfid schema 16 (PostgreSQL): the data tables forget the keys that 15 copied into the key
-- store (one database: 15 and 16 would be atomic together; they are two for SQLite's sake).
-- The dropped column's bytes stay in the table's pages until they are rewritten: see
-- docs/operations.md for the VACUUM FULL an upgraded database needs.
-- IF EXISTS: a database migrated while 15 dropped the column itself.
ALTER TABLE subjects DROP COLUMN IF EXISTS wrapped_key;
