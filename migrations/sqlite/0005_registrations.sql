-- Konfid schema 5 (SQLite): outgoing mail, written in the transaction of the change that
-- causes it, and the single-use tokens of confirmation links (stored hashed).
CREATE TABLE outbox (
  tenant_id       TEXT    NOT NULL,
  message_id      TEXT    NOT NULL,
  subject_id      TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  payload         BLOB    NOT NULL,  -- sealed under the subject's data key
  status          TEXT    NOT NULL,  -- pending, sent, failed
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER NOT NULL,
  last_error      TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, message_id)
) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE tokens (
  tenant_id  TEXT    NOT NULL,
  token_hash BLOB    NOT NULL,
  subject_id TEXT    NOT NULL,
  kind       TEXT    NOT NULL,  -- confirm_email
  pending    TEXT    NOT NULL,  -- what the confirmation applies (docs/registration.md)
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER NOT NULL,  -- 0 while unused
  PRIMARY KEY (tenant_id, token_hash)
) WITHOUT ROWID;
