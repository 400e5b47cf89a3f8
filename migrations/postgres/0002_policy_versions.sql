-- Konfid schema 2 (PostgreSQL): published versions of each tenant's policy and their texts.
CREATE TABLE policy_versions (
  tenant_id    TEXT    NOT NULL,
  version      BIGINT  NOT NULL,
  effective_at BIGINT  NOT NULL,
  published_at BIGINT  NOT NULL,
  text_hash    TEXT    NOT NULL,
  material     BIGINT  NOT NULL,  -- 0 or 1
  changes      TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE policy_texts (
  tenant_id TEXT   NOT NULL,
  version   BIGINT NOT NULL,
  document  TEXT   NOT NULL,
  lang      TEXT   NOT NULL,
  format    TEXT   NOT NULL,
  text      TEXT   NOT NULL,
  PRIMARY KEY (tenant_id, version, document, lang, format)
);
