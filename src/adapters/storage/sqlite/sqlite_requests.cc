// The SQLite statements of data-subject requests, one-time codes, blocking and disclosures (texts
// and row mapping shared: statements.cc, rows.h).
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

Result<bool> SqliteTransaction::SetSubjectBlocked(const std::string& tenant, const std::string& id,
                                                  const std::string& blocked,
                                                  UnixMicros updated_at) {
  KONFID_TRY(Write(Stmt::kSetSubjectBlocked, blocked, updated_at, tenant, id));
  return Changed();
}

Status SqliteTransaction::InsertRequest(const ports::RequestRow& r) {
  return Write(Stmt::kInsertRequest, r.tenant, r.id, r.subject, r.kind, r.state,
               int64_t{r.open ? 1 : 0}, r.channel, r.received_on, r.due_on, r.sealed, r.history,
               r.created_at, r.updated_at);
}

Result<std::optional<ports::RequestRow>> SqliteTransaction::FindRequest(const std::string& tenant,
                                                                        const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindRequest, tenant, id));
  return One(s, [](const SqliteRow& row) { return RequestFrom(row); });
}

Status SqliteTransaction::UpdateRequest(const ports::RequestRow& r) {
  return Write(Stmt::kUpdateRequest, r.state, int64_t{r.open ? 1 : 0}, r.due_on, r.sealed,
               r.history, r.updated_at, r.tenant, r.id);
}

Result<std::vector<ports::RequestRow>> SqliteTransaction::ListRequests(
    const std::string& tenant, const ports::RequestFilter& f) {
  KONFID_ASSIGN_OR_RETURN(
      sqlite3_stmt * s, Run(Stmt::kListRequests, tenant, f.after, f.state, f.state, f.kind, f.kind,
                            f.due_before, f.due_before, int64_t{f.without_term},
                            static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX))));
  return All(s, [](const SqliteRow& row) { return RequestFrom(row); });
}

Result<std::vector<ports::RequestRow>> SqliteTransaction::ListSubjectRequests(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run(Stmt::kListSubjectRequests, tenant, tenant, subject));
  return All(s, [](const SqliteRow& row) { return RequestFrom(row); });
}

Result<std::vector<std::pair<std::string, uint64_t>>> SqliteTransaction::CountOverdueRequests(
    const std::string& tenant, const std::string& today) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountOverdueRequests, tenant, today));
  return All(s, [](const SqliteRow& row) {
    return std::pair<std::string, uint64_t>(row.Text(0), static_cast<uint64_t>(row.Int(1)));
  });
}

Result<uint64_t> SqliteTransaction::CountRequestsWithoutTerm(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountRequestsWithoutTerm, tenant));
  KONFID_ASSIGN_OR_RETURN(
      auto n, One(s, [](const SqliteRow& row) { return static_cast<uint64_t>(row.Int(0)); }));
  return n.value_or(0);
}

Status SqliteTransaction::SetContractEnd(const std::string& tenant, const std::string& subject,
                                         const std::string& purpose, UnixMicros ended_at) {
  if (ended_at == 0) return Write(Stmt::kClearContractEnd, tenant, subject, purpose);
  return Write(Stmt::kSetContractEnd, tenant, subject, purpose, ended_at);
}

Result<std::vector<std::pair<std::string, UnixMicros>>> SqliteTransaction::ListContractEnds(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListContractEnds, tenant, subject));
  return All(s, [](const SqliteRow& row) {
    return std::pair<std::string, UnixMicros>(row.Text(0), row.Int(1));
  });
}

Status SqliteTransaction::InsertHold(const ports::HoldRow& r) {
  return Write(Stmt::kInsertHold, r.tenant, r.id, r.subject, r.reason, r.fields, r.document,
               r.until, r.placed_by, r.placed_at, r.lifted_by, r.lifted_at);
}

Result<std::vector<ports::HoldRow>> SqliteTransaction::ListSubjectHolds(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListSubjectHolds, tenant, subject));
  return All(s, [](const SqliteRow& row) { return HoldFrom(row); });
}

Result<bool> SqliteTransaction::LiftHold(const std::string& tenant, const std::string& id,
                                         const std::string& by, UnixMicros at) {
  KONFID_TRY(Write(Stmt::kLiftHold, by, at, tenant, id));
  return Changed();
}

Status SqliteTransaction::DeleteSubjectHolds(const std::string& tenant,
                                             const std::string& subject) {
  return Write(Stmt::kDeleteSubjectHolds, tenant, subject);
}

Status SqliteTransaction::UpdateHoldDocument(const std::string& tenant, const std::string& id,
                                             const Bytes& document) {
  return Write(Stmt::kUpdateHoldDocument, document, tenant, id);
}

Status SqliteTransaction::UpdateDisclosureDocument(const std::string& tenant, const std::string& id,
                                                   const Bytes& sealed) {
  return Write(Stmt::kUpdateDisclosureDocument, sealed, tenant, id);
}

Status SqliteTransaction::InsertDestructionAct(const ports::DestructionActRow& r) {
  return Write(Stmt::kInsertDestructionAct, r.tenant, r.id, r.subject, r.destroyed_at, r.jws);
}

Result<std::vector<ports::DestructionActRow>> SqliteTransaction::ListDestructionActs(
    const std::string& tenant, const ports::DestructionActFilter& f) {
  auto limit = static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX));
  Result<sqlite3_stmt*> s =
      f.subject.empty() ? Run(Stmt::kListDestructionActs, tenant, f.after, limit)
                        : Run(Stmt::kListSubjectDestructionActs, tenant, f.subject, f.after, limit);
  if (!s) return Fail(s.error());
  return All(*s, [](const SqliteRow& row) { return DestructionActFrom(row); });
}

Result<std::optional<ports::DestructionActRow>> SqliteTransaction::FindDestructionAct(
    const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindDestructionAct, tenant, id));
  return One(s, [](const SqliteRow& row) { return DestructionActFrom(row); });
}

Result<uint64_t> SqliteTransaction::DeleteDestructionActsBefore(UnixMicros before, size_t limit) {
  KONFID_TRY(Write(Stmt::kDeleteDestructionActsBefore, before,
                   static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))));
  return ChangedRows();
}

Status SqliteTransaction::InsertDepersonalizedExport(const ports::DepersonalizedExportRow& r) {
  return Write(Stmt::kInsertDepersonalizedExport, r.tenant, r.id, r.created_at, r.actor, r.purpose,
               r.summary, r.mapping);
}

Result<std::optional<ports::DepersonalizedExportRow>> SqliteTransaction::FindDepersonalizedExport(
    const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindDepersonalizedExport, tenant, id));
  return One(s, [](const SqliteRow& row) { return DepersonalizedExportFrom(row); });
}

Status SqliteTransaction::InsertDisclosure(const ports::DisclosureRow& r) {
  return Write(Stmt::kInsertDisclosure, r.tenant, r.id, r.subject, r.recipient, r.purpose, r.fields,
               r.ground, r.sealed, r.actor, r.created_at);
}

Result<std::vector<ports::DisclosureRow>> SqliteTransaction::ListDisclosures(
    const std::string& tenant, const ports::DisclosureFilter& f) {
  auto limit = static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX));
  Result<sqlite3_stmt*> s =
      !f.subject.empty() ? Run(Stmt::kListSubjectDisclosures, tenant, f.subject, f.after,
                               f.recipient, f.recipient, limit)
      : !f.recipient.empty()
          ? Run(Stmt::kListRecipientDisclosures, tenant, f.recipient, f.after, limit)
          : Run(Stmt::kListDisclosures, tenant, f.after, limit);
  if (!s) return Fail(s.error());
  return All(*s, [](const SqliteRow& row) { return DisclosureFrom(row); });
}

Status SqliteTransaction::InsertOtpCode(const ports::OtpCodeRow& r) {
  return Write(Stmt::kInsertOtpCode, r.tenant, r.id, r.subject, r.address_hash, r.code_hash,
               r.tries, r.created_at, r.expires_at, r.used_at);
}

Result<std::optional<ports::OtpCodeRow>> SqliteTransaction::FindOtpCode(const std::string& tenant,
                                                                        const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindOtpCode, tenant, id));
  return One(s, [](const SqliteRow& row) { return OtpCodeFrom(row); });
}

Result<uint64_t> SqliteTransaction::CountOtpCodes(const std::string& tenant,
                                                  const Bytes& address_hash, UnixMicros since) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountOtpCodes, tenant, address_hash, since));
  KONFID_ASSIGN_OR_RETURN(
      auto n, One(s, [](const SqliteRow& row) { return static_cast<uint64_t>(row.Int(0)); }));
  return n.value_or(0);
}

Result<int64_t> SqliteTransaction::AddOtpTry(const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kAddOtpTry, tenant, id));
  KONFID_ASSIGN_OR_RETURN(auto tries, One(s, [](const SqliteRow& row) { return row.Int(0); }));
  if (!tries) return Fail(ErrorCode::kNotFound, "no such code");
  return *tries;
}

Result<bool> SqliteTransaction::MarkOtpUsed(const std::string& tenant, const std::string& id,
                                            UnixMicros at) {
  KONFID_TRY(Write(Stmt::kMarkOtpUsed, at, tenant, id));
  return Changed();
}

Result<uint64_t> SqliteTransaction::DeleteOtpCodesBefore(UnixMicros before) {
  KONFID_TRY(Write(Stmt::kDeleteOtpCodesBefore, before));
  return ChangedRows();
}

}  // namespace konfid::adapters::sqlite_internal
