-- Konfid schema 14 (PostgreSQL): legal holds that staff place on a subject's data for a dispute or
-- an authority's request (POST /v1/subjects/{id}/holds; docs/retention.md). While a hold is
-- live (not lifted, `until_at` not reached) the subject is not erased and retention destroys
-- none of the fields it names. `document` is the authority's name, the document's number and
-- date, sealed under the subject's data key.
CREATE TABLE legal_holds (
  tenant_id   TEXT    NOT NULL,
  hold_id     TEXT    NOT NULL,
  subject_id  TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  fields      TEXT    NOT NULL,
  document    BYTEA   NOT NULL,
  until_at    BIGINT  NOT NULL,
  placed_by   TEXT    NOT NULL,
  placed_at   BIGINT  NOT NULL,
  lifted_by   TEXT    NOT NULL DEFAULT '',
  lifted_at   BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, hold_id)
);
CREATE INDEX legal_holds_by_subject ON legal_holds (tenant_id, subject_id);
