-- Konfid schema 15 (PostgreSQL): subject data keys move out of the data tables into the key
-- store, the schema `konfid_keys` (docs/operations.md, "The key store"). A dump of the data
-- (pg_dump --exclude-schema=konfid_keys, as `konfid backup` takes it) then holds no key; 16
-- drops the old column.
CREATE SCHEMA IF NOT EXISTS konfid_keys;
CREATE TABLE konfid_keys.subject_keys (
  tenant_id   TEXT  NOT NULL,
  subject_id  TEXT  NOT NULL,
  wrapped_key BYTEA NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
);
INSERT INTO konfid_keys.subject_keys (tenant_id, subject_id, wrapped_key)
  SELECT tenant_id, subject_id, wrapped_key FROM subjects;
