-- Konfid schema 8 (SQLite): a material version is announced by email when it is published
-- (the policy's [publication] notice_days ahead), as well as noticed with a link to decide
-- once it is in force. Each has a run of its own: `kind` is 'notice' or 'announcement'.
CREATE TABLE policy_notices_8 (
  tenant_id     TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  kind          TEXT    NOT NULL,
  after_subject TEXT    NOT NULL,
  done          INTEGER NOT NULL,
  queued        INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, version, kind)
) WITHOUT ROWID;
INSERT INTO policy_notices_8 (tenant_id, version, kind, after_subject, done, queued)
  SELECT tenant_id, version, 'notice', after_subject, done, queued FROM policy_notices;
DROP TABLE policy_notices;
ALTER TABLE policy_notices_8 RENAME TO policy_notices;
