-- Konfid schema 10 (SQLite): signed checkpoints of each tenant's audit head
-- (docs/audit_log_format.md, "Checkpoints"). One row per (seq, hash): two nodes that sign the
-- same head store it once; a chain that was cut and grew again gets a row of its own.
CREATE TABLE audit_checkpoints (
  tenant_id  TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  hash       BLOB    NOT NULL,
  time       INTEGER NOT NULL,
  checkpoint TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, seq, hash)
) WITHOUT ROWID;
CREATE INDEX audit_checkpoints_by_time ON audit_checkpoints (tenant_id, time);
