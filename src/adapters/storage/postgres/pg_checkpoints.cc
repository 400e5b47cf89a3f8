// The PostgreSQL statements of signed audit checkpoints (texts and row mapping shared:
// statements.cc, rows.h).
#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

Status PgTransaction::InsertAuditCheckpoint(const ports::AuditCheckpointRow& r) {
  return X(Stmt::kInsertAuditCheckpoint, {r.tenant, r.seq, r.hash, r.time, r.checkpoint});
}

Result<std::vector<ports::AuditCheckpointRow>> PgTransaction::ListAuditCheckpoints(
    const std::string& tenant, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q(Stmt::kListAuditCheckpoints,
                            {tenant, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))}));
  return All(r.get(), [&](const PgRow& row) { return AuditCheckpointFrom(row, tenant); });
}

}  // namespace konfid::adapters::pg_internal
