-- Konfid schema 6 (SQLite): the progress of telling subjects about a material policy
-- version. One row per such version, written with the version; the notice job walks the
-- subjects of the consent ledger in id order and moves `after_subject` in the transaction
-- that queues their notices, so a restart neither skips nor repeats anyone.
CREATE TABLE policy_notices (
  tenant_id     TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  after_subject TEXT    NOT NULL,  -- the last subject considered; '' before the first
  done          INTEGER NOT NULL,  -- 1 when every subject has been considered
  queued        INTEGER NOT NULL,  -- notices queued so far
  PRIMARY KEY (tenant_id, version)
) WITHOUT ROWID;
