-- Konfid schema 1 (PostgreSQL). Every table carries tenant_id and every key starts with it.
-- Values of personal data are stored only sealed (subjects.fields); lookups go through
-- keyed hashes (subject_index.hash).

CREATE TABLE tenants (
  tenant_id         TEXT    NOT NULL PRIMARY KEY,
  wrapped_index_key BYTEA    NOT NULL,
  wrapped_audit_key BYTEA    NOT NULL,
  created_at        BIGINT NOT NULL
);

CREATE TABLE subjects (
  tenant_id   TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  wrapped_key BYTEA    NOT NULL,
  fields      BYTEA    NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
);

CREATE TABLE subject_index (
  tenant_id  TEXT NOT NULL,
  field      TEXT NOT NULL,
  hash       BYTEA NOT NULL,
  subject_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, field, hash)
);
CREATE INDEX subject_index_by_subject ON subject_index (tenant_id, subject_id);

CREATE TABLE audit_events (
  tenant_id  TEXT    NOT NULL,
  seq        BIGINT NOT NULL,
  time       BIGINT NOT NULL,
  actor      TEXT    NOT NULL,
  operation  TEXT    NOT NULL,
  subject_id TEXT    NOT NULL,
  fields     TEXT    NOT NULL,
  purpose    TEXT    NOT NULL,
  ground     TEXT    NOT NULL,
  outcome    TEXT    NOT NULL,
  reason     TEXT    NOT NULL,
  prev_hash  BYTEA    NOT NULL,
  hash       BYTEA    NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE audit_heads (
  tenant_id TEXT    NOT NULL PRIMARY KEY,
  seq       BIGINT NOT NULL,
  hash      BYTEA    NOT NULL
);

CREATE TABLE api_keys (
  tenant_id   TEXT    NOT NULL,
  key_id      TEXT    NOT NULL,
  secret_hash BYTEA    NOT NULL,
  role        TEXT    NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, key_id)
);
CREATE UNIQUE INDEX api_keys_by_key_id ON api_keys (key_id);

CREATE TABLE meta (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
