-- Konfid schema 15 (SQLite): subject data keys move out of the data database into the key
-- store, a file of its own (`konfid-keys.db` beside `konfid.db`) that every connection
-- attaches as `konfid_keys` (docs/operations.md, "The key store"). The data database keeps
-- only ciphertexts and subject ids; a backup of it holds no key, so a subject erased after the
-- backup was taken stays unreadable when the backup is restored.
-- Idempotent: the adapter runs it again, committed and synced on its own, before 16 drops the
-- old column (the two files do not commit atomically under WAL).
CREATE TABLE IF NOT EXISTS konfid_keys.subject_keys (
  tenant_id   TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  wrapped_key BLOB NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO konfid_keys.subject_keys (tenant_id, subject_id, wrapped_key)
  SELECT tenant_id, subject_id, wrapped_key FROM subjects;
