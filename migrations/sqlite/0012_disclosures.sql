-- Konfid schema 12 (SQLite): the disclosures of subjects' data to the policy's recipients
-- (docs/disclosures.md), one row per subject and disclosure; and the recipient an API key is
-- bound to (a processor's key reads that recipient's projection only).
CREATE TABLE disclosures (
  tenant_id       TEXT    NOT NULL,
  disclosure_id   TEXT    NOT NULL,
  subject_id      TEXT    NOT NULL,
  recipient       TEXT    NOT NULL,  -- the policy's recipient id; empty for an authority
  purpose         TEXT    NOT NULL,  -- empty for an authority
  fields          TEXT    NOT NULL,  -- the names of the fields disclosed, comma-separated
  ground          TEXT    NOT NULL,  -- consent, contract, ..., authority_request
  sealed          BLOB    NOT NULL,  -- an authority's name and document, sealed under the
                                     -- subject's data key; empty otherwise
  actor           TEXT    NOT NULL,  -- apikey:<id>
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, disclosure_id)
) WITHOUT ROWID;
CREATE INDEX disclosures_by_subject ON disclosures (tenant_id, subject_id, disclosure_id);
CREATE INDEX disclosures_by_recipient ON disclosures (tenant_id, recipient, disclosure_id);

-- Empty: the key acts in its role alone; else the policy's recipient whose projection it reads.
ALTER TABLE api_keys ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
