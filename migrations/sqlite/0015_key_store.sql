-- Konfid schema 15 (SQLite): subject data keys move out of the data database into the key
-- store, a file of its own (`konfid-keys.db` beside `konfid.db`) that every connection
-- attaches as `konfid_keys` (docs/operations.md, "The key store"). The data database keeps
-- only ciphertexts and subject ids; a backup of it holds no key, so a subject erased after the
-- backup was taken stays unreadable when the backup is restored.
CREATE TABLE konfid_keys.subject_keys (
  tenant_id   TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  wrapped_key BLOB NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
) WITHOUT ROWID;
INSERT INTO konfid_keys.subject_keys (tenant_id, subject_id, wrapped_key)
  SELECT tenant_id, subject_id, wrapped_key FROM subjects;
-- Rewrites every row of subjects; secure_delete zeroes what the old rows held.
ALTER TABLE subjects DROP COLUMN wrapped_key;
