-- Konfid schema 20 (SQLite): depersonalized exports (app/depersonalized_exports.h), one row per
-- export: who made it, for which purpose, what it released (`summary`: field names, levels and
-- counts, never a value), and the mapping from its pseudonyms back to subject ids, sealed
-- under the export's own key, kept apart from the dataset that left.
CREATE TABLE depersonalized_exports (
  tenant_id  TEXT    NOT NULL,
  export_id  TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  purpose    TEXT    NOT NULL,
  summary    TEXT    NOT NULL,
  mapping    BLOB    NOT NULL,
  PRIMARY KEY (tenant_id, export_id)
) WITHOUT ROWID;
