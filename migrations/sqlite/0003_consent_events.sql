-- Konfid schema 3 (SQLite): the consent ledger, append-only. The IP is stored truncated.
CREATE TABLE consent_events (
  tenant_id      TEXT    NOT NULL,
  subject_id     TEXT    NOT NULL,
  event_id       TEXT    NOT NULL,
  purpose        TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  policy_version INTEGER NOT NULL,
  text_hash      TEXT    NOT NULL,
  method         TEXT    NOT NULL,
  source         TEXT    NOT NULL,
  time           INTEGER NOT NULL,
  ip             TEXT    NOT NULL,
  user_agent     TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, subject_id, event_id)
) WITHOUT ROWID;
