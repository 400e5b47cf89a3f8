-- Konfid schema 13 (SQLite): when a subject's contract for a purpose ended, as the site
-- tells Konfid (POST /v1/subjects/{id}/contracts/{purpose}/end); a purpose counted from a
-- contract's end keeps its fields for its retention from then (docs/retention.md). No row:
-- the contract goes on.
CREATE TABLE contract_ends (
  tenant_id   TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  purpose     TEXT    NOT NULL,
  ended_at    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, subject_id, purpose)
) WITHOUT ROWID;
