-- Konfid schema 6 (PostgreSQL): the progress of telling subjects about a material policy
-- version. One row per such version, written with the version; the notice job walks the
-- subjects of the consent ledger in id order and moves `after_subject` in the transaction
-- that queues their notices (compare-and-set, so two nodes never queue one batch twice).
CREATE TABLE policy_notices (
  tenant_id     TEXT    NOT NULL,
  version       BIGINT  NOT NULL,
  after_subject TEXT    NOT NULL,  -- the last subject considered; '' before the first
  done          BIGINT  NOT NULL,  -- 1 when every subject has been considered
  queued        BIGINT  NOT NULL,  -- notices queued so far
  PRIMARY KEY (tenant_id, version)
);
