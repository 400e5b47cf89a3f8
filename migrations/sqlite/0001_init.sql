-- Konfid schema 1 (SQLite). Every table carries tenant_id and every key starts with it.
-- Values of personal data are stored only sealed (subjects.fields); lookups go through
-- keyed hashes (subject_index.hash).

CREATE TABLE tenants (
  tenant_id         TEXT    NOT NULL PRIMARY KEY,
  wrapped_index_key BLOB    NOT NULL,
  wrapped_audit_key BLOB    NOT NULL,
  created_at        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE subjects (
  tenant_id   TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  wrapped_key BLOB    NOT NULL,
  fields      BLOB    NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
) WITHOUT ROWID;

CREATE TABLE subject_index (
  tenant_id  TEXT NOT NULL,
  field      TEXT NOT NULL,
  hash       BLOB NOT NULL,
  subject_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, field, hash)
) WITHOUT ROWID;
CREATE INDEX subject_index_by_subject ON subject_index (tenant_id, subject_id);

CREATE TABLE audit_events (
  tenant_id  TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  time       INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  operation  TEXT    NOT NULL,
  subject_id TEXT    NOT NULL,
  fields     TEXT    NOT NULL,
  purpose    TEXT    NOT NULL,
  ground     TEXT    NOT NULL,
  outcome    TEXT    NOT NULL,
  reason     TEXT    NOT NULL,
  prev_hash  BLOB    NOT NULL,
  hash       BLOB    NOT NULL,
  PRIMARY KEY (tenant_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_heads (
  tenant_id TEXT    NOT NULL PRIMARY KEY,
  seq       INTEGER NOT NULL,
  hash      BLOB    NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_keys (
  tenant_id   TEXT    NOT NULL,
  key_id      TEXT    NOT NULL,
  secret_hash BLOB    NOT NULL,
  role        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, key_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX api_keys_by_key_id ON api_keys (key_id);

CREATE TABLE meta (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
