-- Konfid schema 11 (SQLite): data-subject requests with their terms (docs/requests.md), the
-- one-time codes by which a visitor proves who they are (stored as keyed hashes), and what
-- is blocked of a subject.
CREATE TABLE requests (
  tenant_id   TEXT    NOT NULL,
  request_id  TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  kind        TEXT    NOT NULL,  -- access, rectification, blocking, erasure, ...
  state       TEXT    NOT NULL,  -- received, in_progress, extended, done, refused
  open        INTEGER NOT NULL,  -- 1 while received, in_progress or extended
  channel     TEXT    NOT NULL,  -- self, letter, email, in_person
  received_on TEXT    NOT NULL,  -- YYYY-MM-DD in the tenant's time zone
  due_on      TEXT    NOT NULL,  -- YYYY-MM-DD, the term's last day
  sealed      BLOB    NOT NULL,  -- the details, sealed under the subject's data key
  history     TEXT    NOT NULL,  -- "time state" lines
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, request_id)
) WITHOUT ROWID;
CREATE INDEX requests_by_subject ON requests (tenant_id, subject_id, request_id);
CREATE INDEX requests_open ON requests (tenant_id, open, due_on);

CREATE TABLE otp_codes (
  tenant_id    TEXT    NOT NULL,
  code_id      TEXT    NOT NULL,
  subject_id   TEXT    NOT NULL,  -- empty for an address no subject has
  address_hash BLOB    NOT NULL,  -- the address's blind-index hash
  code_hash    BLOB    NOT NULL,  -- keyed hash of the code
  tries        INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER NOT NULL,  -- 0 while unused
  PRIMARY KEY (tenant_id, code_id)
) WITHOUT ROWID;
CREATE INDEX otp_codes_by_address ON otp_codes (tenant_id, address_hash, created_at);

-- Empty: nothing blocked; "*": the whole subject; else the blocked fields, comma-separated.
ALTER TABLE subjects ADD COLUMN blocked TEXT NOT NULL DEFAULT '';
