// The SQLite statements of signed audit checkpoints (texts and row mapping shared:
// statements.cc, rows.h).
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

Status SqliteTransaction::InsertAuditCheckpoint(const ports::AuditCheckpointRow& r) {
  return Write(Stmt::kInsertAuditCheckpoint, r.tenant, r.seq, r.hash, r.time, r.checkpoint);
}

Result<std::vector<ports::AuditCheckpointRow>> SqliteTransaction::ListAuditCheckpoints(
    const std::string& tenant, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run(Stmt::kListAuditCheckpoints, tenant,
                              static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))));
  return All(s, [&](const SqliteRow& row) { return AuditCheckpointFrom(row, tenant); });
}

}  // namespace konfid::adapters::sqlite_internal
