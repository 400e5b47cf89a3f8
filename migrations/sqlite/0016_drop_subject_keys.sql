-- Konfid schema 16 (SQLite): the data file forgets the keys that 15 copied into the key store.
-- The adapter applies it only once every subject's key is in the key store, committed and
-- synced (sqlite_storage.cc, Migrate). Rewrites every row of subjects; secure_delete zeroes
-- what the old rows held.
ALTER TABLE subjects DROP COLUMN wrapped_key;
