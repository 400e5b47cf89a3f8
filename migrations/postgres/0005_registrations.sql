-- Konfid schema 5 (PostgreSQL): outgoing mail, written in the transaction of the change that
-- causes it, and the single-use tokens of confirmation links (stored hashed).
CREATE TABLE outbox (
  tenant_id       TEXT    NOT NULL,
  message_id      TEXT    NOT NULL,
  subject_id      TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  payload         BYTEA   NOT NULL,  -- sealed under the subject's data key
  status          TEXT    NOT NULL,  -- pending, sent, failed
  attempts        BIGINT  NOT NULL,
  next_attempt_at BIGINT  NOT NULL,
  created_at      BIGINT  NOT NULL,
  sent_at         BIGINT  NOT NULL,
  last_error      TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE tokens (
  tenant_id  TEXT    NOT NULL,
  token_hash BYTEA   NOT NULL,
  subject_id TEXT    NOT NULL,
  kind       TEXT    NOT NULL,  -- confirm_email
  pending    TEXT    NOT NULL,  -- what the confirmation applies (docs/registration.md)
  created_at BIGINT  NOT NULL,
  expires_at BIGINT  NOT NULL,
  used_at    BIGINT  NOT NULL,  -- 0 while unused
  PRIMARY KEY (tenant_id, token_hash)
);
