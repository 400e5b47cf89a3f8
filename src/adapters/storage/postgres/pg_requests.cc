// The PostgreSQL statements of data-subject requests, one-time codes, blocking and disclosures
// (texts and row mapping shared: statements.cc, rows.h).
#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

Result<bool> PgTransaction::SetSubjectBlocked(const std::string& tenant, const std::string& id,
                                              const std::string& blocked, UnixMicros updated_at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kSetSubjectBlocked, {blocked, updated_at, tenant, id}));
  return Changed(r.get());
}

Status PgTransaction::InsertRequest(const ports::RequestRow& r) {
  return X(Stmt::kInsertRequest,
           {r.tenant, r.id, r.subject, r.kind, r.state, int64_t{r.open ? 1 : 0}, r.channel,
            r.received_on, r.due_on, r.sealed, r.history, r.created_at, r.updated_at});
}

Result<std::optional<ports::RequestRow>> PgTransaction::FindRequest(const std::string& tenant,
                                                                    const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindRequest, {tenant, id}));
  return One(r.get(), [](const PgRow& row) { return RequestFrom(row); });
}

Status PgTransaction::UpdateRequest(const ports::RequestRow& r) {
  return X(Stmt::kUpdateRequest, {r.state, int64_t{r.open ? 1 : 0}, r.due_on, r.sealed, r.history,
                                  r.updated_at, r.tenant, r.id});
}

Result<std::vector<ports::RequestRow>> PgTransaction::ListRequests(const std::string& tenant,
                                                                   const ports::RequestFilter& f) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q(Stmt::kListRequests, {tenant, f.after, f.state, f.state, f.kind, f.kind,
                                      f.due_before, f.due_before, int64_t{f.without_term},
                                      static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX))}));
  return All(r.get(), [](const PgRow& row) { return RequestFrom(row); });
}

Result<std::vector<ports::RequestRow>> PgTransaction::ListSubjectRequests(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListSubjectRequests, {tenant, tenant, subject}));
  return All(r.get(), [](const PgRow& row) { return RequestFrom(row); });
}

Result<std::vector<std::pair<std::string, uint64_t>>> PgTransaction::CountOverdueRequests(
    const std::string& tenant, const std::string& today) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountOverdueRequests, {tenant, today}));
  return All(r.get(), [](const PgRow& row) {
    return std::pair<std::string, uint64_t>(row.Text(0), static_cast<uint64_t>(row.Int(1)));
  });
}

Result<uint64_t> PgTransaction::CountRequestsWithoutTerm(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountRequestsWithoutTerm, {tenant}));
  return static_cast<uint64_t>(Int(r.get(), 0, 0));
}

Status PgTransaction::SetContractEnd(const std::string& tenant, const std::string& subject,
                                     const std::string& purpose, UnixMicros ended_at) {
  if (ended_at == 0) return X(Stmt::kClearContractEnd, {tenant, subject, purpose});
  return X(Stmt::kSetContractEnd, {tenant, subject, purpose, ended_at});
}

Result<std::vector<std::pair<std::string, UnixMicros>>> PgTransaction::ListContractEnds(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListContractEnds, {tenant, subject}));
  return All(r.get(), [](const PgRow& row) {
    return std::pair<std::string, UnixMicros>(row.Text(0), row.Int(1));
  });
}

Status PgTransaction::InsertHold(const ports::HoldRow& r) {
  return X(Stmt::kInsertHold, {r.tenant, r.id, r.subject, r.reason, r.fields, r.document, r.until,
                               r.placed_by, r.placed_at, r.lifted_by, r.lifted_at});
}

Result<std::vector<ports::HoldRow>> PgTransaction::ListSubjectHolds(const std::string& tenant,
                                                                    const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListSubjectHolds, {tenant, subject}));
  return All(r.get(), [](const PgRow& row) { return HoldFrom(row); });
}

Result<bool> PgTransaction::LiftHold(const std::string& tenant, const std::string& id,
                                     const std::string& by, UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kLiftHold, {by, at, tenant, id}));
  return Changed(r.get());
}

Status PgTransaction::DeleteSubjectHolds(const std::string& tenant, const std::string& subject) {
  return X(Stmt::kDeleteSubjectHolds, {tenant, subject});
}

Status PgTransaction::UpdateHoldDocument(const std::string& tenant, const std::string& id,
                                         const Bytes& document) {
  return X(Stmt::kUpdateHoldDocument, {document, tenant, id});
}

Status PgTransaction::UpdateDisclosureDocument(const std::string& tenant, const std::string& id,
                                               const Bytes& sealed) {
  return X(Stmt::kUpdateDisclosureDocument, {sealed, tenant, id});
}

Status PgTransaction::InsertDestructionAct(const ports::DestructionActRow& r) {
  return X(Stmt::kInsertDestructionAct, {r.tenant, r.id, r.subject, r.destroyed_at, r.jws});
}

Result<std::vector<ports::DestructionActRow>> PgTransaction::ListDestructionActs(
    const std::string& tenant, const ports::DestructionActFilter& f) {
  auto limit = static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX));
  auto r = f.subject.empty()
               ? Q(Stmt::kListDestructionActs, {tenant, f.after, limit})
               : Q(Stmt::kListSubjectDestructionActs, {tenant, f.subject, f.after, limit});
  if (!r) return Fail(r.error());
  return All(r->get(), [](const PgRow& row) { return DestructionActFrom(row); });
}

Result<std::optional<ports::DestructionActRow>> PgTransaction::FindDestructionAct(
    const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindDestructionAct, {tenant, id}));
  return One(r.get(), [](const PgRow& row) { return DestructionActFrom(row); });
}

Result<uint64_t> PgTransaction::DeleteDestructionActsBefore(UnixMicros before, size_t limit) {
  auto n = static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX));
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kDeleteDestructionActsBefore, {before, n}));
  return ChangedRows(r.get());
}

Status PgTransaction::InsertDepersonalizedExport(const ports::DepersonalizedExportRow& r) {
  return X(Stmt::kInsertDepersonalizedExport,
           {r.tenant, r.id, r.created_at, r.actor, r.purpose, r.summary, r.mapping});
}

Result<std::optional<ports::DepersonalizedExportRow>> PgTransaction::FindDepersonalizedExport(
    const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindDepersonalizedExport, {tenant, id}));
  return One(r.get(), [](const PgRow& row) { return DepersonalizedExportFrom(row); });
}

Status PgTransaction::InsertDisclosure(const ports::DisclosureRow& r) {
  return X(Stmt::kInsertDisclosure, {r.tenant, r.id, r.subject, r.recipient, r.purpose, r.fields,
                                     r.ground, r.sealed, r.actor, r.created_at});
}

Result<std::vector<ports::DisclosureRow>> PgTransaction::ListDisclosures(
    const std::string& tenant, const ports::DisclosureFilter& f) {
  auto limit = static_cast<int64_t>(std::min<size_t>(f.limit, INT64_MAX));
  auto r = !f.subject.empty() ? Q(Stmt::kListSubjectDisclosures,
                                  {tenant, f.subject, f.after, f.recipient, f.recipient, limit})
           : !f.recipient.empty()
               ? Q(Stmt::kListRecipientDisclosures, {tenant, f.recipient, f.after, limit})
               : Q(Stmt::kListDisclosures, {tenant, f.after, limit});
  if (!r) return Fail(r.error());
  return All(r->get(), [](const PgRow& row) { return DisclosureFrom(row); });
}

Status PgTransaction::InsertOtpCode(const ports::OtpCodeRow& r) {
  return X(Stmt::kInsertOtpCode, {r.tenant, r.id, r.subject, r.address_hash, r.code_hash, r.tries,
                                  r.created_at, r.expires_at, r.used_at});
}

Result<std::optional<ports::OtpCodeRow>> PgTransaction::FindOtpCode(const std::string& tenant,
                                                                    const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindOtpCode, {tenant, id}));
  return One(r.get(), [](const PgRow& row) { return OtpCodeFrom(row); });
}

Result<uint64_t> PgTransaction::CountOtpCodes(const std::string& tenant, const Bytes& address_hash,
                                              UnixMicros since) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountOtpCodes, {tenant, address_hash, since}));
  return static_cast<uint64_t>(Int(r.get(), 0, 0));
}

Result<int64_t> PgTransaction::AddOtpTry(const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kAddOtpTry, {tenant, id}));
  auto tries = One(r.get(), [](const PgRow& row) { return row.Int(0); });
  if (!tries) return Fail(ErrorCode::kNotFound, "no such code");
  return *tries;
}

Result<bool> PgTransaction::MarkOtpUsed(const std::string& tenant, const std::string& id,
                                        UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kMarkOtpUsed, {at, tenant, id}));
  return Changed(r.get());
}

Result<uint64_t> PgTransaction::DeleteOtpCodesBefore(UnixMicros before) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kDeleteOtpCodesBefore, {before}));
  return ChangedRows(r.get());
}

}  // namespace konfid::adapters::pg_internal
