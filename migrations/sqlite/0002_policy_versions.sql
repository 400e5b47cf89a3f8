-- Konfid schema 2 (SQLite): published versions of each tenant's policy and their texts.
CREATE TABLE policy_versions (
  tenant_id    TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  effective_at INTEGER NOT NULL,
  published_at INTEGER NOT NULL,
  text_hash    TEXT    NOT NULL,
  material     INTEGER NOT NULL,
  changes      TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, version)
) WITHOUT ROWID;

CREATE TABLE policy_texts (
  tenant_id TEXT    NOT NULL,
  version   INTEGER NOT NULL,
  document  TEXT    NOT NULL,
  lang      TEXT    NOT NULL,
  format    TEXT    NOT NULL,
  text      TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, version, document, lang, format)
) WITHOUT ROWID;
