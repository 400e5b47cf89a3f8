// The PostgreSQL statements of signed audit checkpoints.
#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

Status PgTransaction::InsertAuditCheckpoint(const ports::AuditCheckpointRow& r) {
  return X(
      "INSERT INTO audit_checkpoints (tenant_id, seq, hash, time, checkpoint)"
      " VALUES ($1, $2, $3, $4, $5)",
      {r.tenant, r.seq, r.hash, r.time, r.checkpoint});
}

Result<std::vector<ports::AuditCheckpointRow>> PgTransaction::ListAuditCheckpoints(
    const std::string& tenant, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT seq, hash, time, checkpoint FROM audit_checkpoints WHERE tenant_id = $1"
                " ORDER BY time DESC, seq DESC LIMIT $2",
                {tenant, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))}));
  std::vector<ports::AuditCheckpointRow> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({tenant, static_cast<uint64_t>(Int(r.get(), i, 0)), Blob(r.get(), i, 1),
                   Int(r.get(), i, 2), Text(r.get(), i, 3)});
  return out;
}

}  // namespace konfid::adapters::pg_internal
