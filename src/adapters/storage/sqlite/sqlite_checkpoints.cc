// The SQLite statements of signed audit checkpoints.
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

Status SqliteTransaction::InsertAuditCheckpoint(const ports::AuditCheckpointRow& r) {
  return Write(
      "INSERT INTO audit_checkpoints (tenant_id, seq, hash, time, checkpoint)"
      " VALUES (?, ?, ?, ?, ?)",
      r.tenant, r.seq, r.hash, r.time, r.checkpoint);
}

Result<std::vector<ports::AuditCheckpointRow>> SqliteTransaction::ListAuditCheckpoints(
    const std::string& tenant, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      Run("SELECT seq, hash, time, checkpoint FROM audit_checkpoints WHERE tenant_id = ?"
          " ORDER BY time DESC, seq DESC LIMIT ?",
          tenant, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))));
  std::vector<ports::AuditCheckpointRow> out;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) break;
    out.push_back({tenant, static_cast<uint64_t>(sqlite3_column_int64(s, 0)), ColBlob(s, 1),
                   sqlite3_column_int64(s, 2), ColText(s, 3)});
  }
  return out;
}

}  // namespace konfid::adapters::sqlite_internal
