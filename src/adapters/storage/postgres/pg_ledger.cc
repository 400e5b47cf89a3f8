// The PostgreSQL statements of policy versions, the consent ledger, notice runs, the outbox
// and tokens. Their texts and row mapping are shared with SQLite (statements.cc, rows.h).
#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

Status PgTransaction::InsertPolicyVersion(const ports::PolicyVersionRow& r,
                                          const std::vector<ports::PolicyTextRow>& texts) {
  KONFID_TRY(X(Stmt::kInsertPolicyVersion,
               {r.tenant, r.version, r.effective_at, r.published_at, r.text_hash,
                static_cast<int64_t>(r.material), r.changes, r.source}));
  for (const auto& t : texts)
    KONFID_TRY(
        X(Stmt::kInsertPolicyText, {r.tenant, r.version, t.document, t.lang, t.format, t.text}));
  return Ok();
}

Result<std::vector<ports::PolicyVersionRow>> PgTransaction::ListPolicyVersions(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListPolicyVersions, {tenant}));
  return All(r.get(), [&](const PgRow& row) { return PolicyVersionFrom(row, tenant); });
}

Result<std::optional<ports::PolicyVersionRow>> PgTransaction::FindPolicyVersion(
    const std::string& tenant, int64_t version) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindPolicyVersion, {tenant, version}));
  return One(r.get(), [&](const PgRow& row) { return PolicyVersionFrom(row, tenant); });
}

Result<std::optional<std::string>> PgTransaction::FindPolicyText(const std::string& tenant,
                                                                 int64_t version,
                                                                 const std::string& document,
                                                                 const std::string& lang,
                                                                 const std::string& format) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q(Stmt::kFindPolicyText, {tenant, version, document, lang, format}));
  return One(r.get(), [](const PgRow& row) { return row.Text(0); });
}

Status PgTransaction::InsertConsentEvent(const ports::ConsentEventRow& r) {
  const domain::ConsentEvent& e = r.event;
  return X(
      Stmt::kInsertConsentEvent,
      {r.tenant, r.subject, e.id, e.purpose, std::string(domain::ConsentKindName(e.kind)),
       e.policy_version, e.text_hash, e.method, e.source, e.time, e.ip, e.user_agent, r.receipt});
}

namespace {
// The consent events of a result; fails on the first of an unknown kind.
Result<std::vector<ports::ConsentEventRow>> ConsentEvents(const PGresult* r,
                                                          const std::string& tenant) {
  std::vector<ports::ConsentEventRow> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    KONFID_ASSIGN_OR_RETURN(auto event, ConsentEventFrom(PgRow{r, i}, tenant));
    out.push_back(std::move(event));
  }
  return out;
}
}  // namespace

Result<std::vector<ports::ConsentEventRow>> PgTransaction::ListConsentEvents(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListConsentEvents, {tenant, subject}));
  return ConsentEvents(r.get(), tenant);
}

Result<std::optional<ports::ConsentEventRow>> PgTransaction::FindConsentEvent(
    const std::string& tenant, const std::string& event_id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindConsentEvent, {tenant, event_id}));
  KONFID_ASSIGN_OR_RETURN(auto rows, ConsentEvents(r.get(), tenant));
  if (rows.empty()) return std::optional<ports::ConsentEventRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<std::string>> PgTransaction::ListConsentSubjects(const std::string& tenant,
                                                                    const std::string& after,
                                                                    size_t limit) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q(Stmt::kListConsentSubjects, {tenant, after, static_cast<int64_t>(limit)}));
  return All(r.get(), [](const PgRow& row) { return row.Text(0); });
}

Status PgTransaction::InsertNoticeRun(const ports::NoticeRunRow& r) {
  return X(Stmt::kInsertNoticeRun,
           {r.tenant, r.version, r.kind, r.after_subject, int64_t{r.done}, r.queued});
}

Result<std::vector<ports::NoticeRunRow>> PgTransaction::ListNoticeRuns(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListNoticeRuns, {tenant}));
  return All(r.get(), [&](const PgRow& row) { return NoticeRunFrom(row, tenant); });
}

// The UPDATE waits for a concurrent run's row lock, then re-checks after_subject: only one
// of two nodes moves the run, and the other rolls its batch back.
Result<bool> PgTransaction::AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                             const std::string& expected) {
  KONFID_ASSIGN_OR_RETURN(
      auto res, Q(Stmt::kAdvanceNoticeRun, {r.after_subject, int64_t{r.done}, r.queued, r.tenant,
                                            r.version, r.kind, expected}));
  return Changed(res.get());
}

Status PgTransaction::InsertOutbox(const ports::OutboxRow& r) {
  return X(Stmt::kInsertOutbox, {r.tenant, r.id, r.subject, r.kind, r.payload, r.status, r.attempts,
                                 r.next_attempt_at, r.created_at, r.sent_at, r.last_error});
}

Result<std::vector<ports::OutboxRow>> PgTransaction::DueOutbox(UnixMicros now, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kDueOutbox, {now, static_cast<int64_t>(limit)}));
  return All(r.get(), [](const PgRow& row) { return OutboxFrom(row); });
}

Result<std::optional<ports::OutboxRow>> PgTransaction::FindOutbox(const std::string& tenant,
                                                                  const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindOutbox, {tenant, id}));
  return One(r.get(), [](const PgRow& row) { return OutboxFrom(row); });
}

Result<std::vector<ports::OutboxRow>> PgTransaction::ListSubjectOutbox(const std::string& tenant,
                                                                       const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListSubjectOutbox, {tenant, tenant, subject}));
  return All(r.get(), [](const PgRow& row) { return OutboxFrom(row); });
}

Result<bool> PgTransaction::ClaimOutbox(const std::string& tenant, const std::string& id,
                                        UnixMicros due, UnixMicros until) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kClaimOutbox, {until, tenant, id, due}));
  return Changed(r.get());
}

Status PgTransaction::UpdateOutbox(const ports::OutboxRow& r) {
  return X(Stmt::kUpdateOutbox, {r.status, r.attempts, r.next_attempt_at, r.sent_at, r.last_error,
                                 r.payload, r.tenant, r.id});
}

Status PgTransaction::InsertToken(const ports::TokenRow& r) {
  return X(Stmt::kInsertToken,
           {r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at, r.expires_at, r.used_at});
}

Result<std::optional<ports::TokenRow>> PgTransaction::FindToken(const std::string& tenant,
                                                                const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindToken, {tenant, hash}));
  return One(r.get(), [&](const PgRow& row) { return TokenFrom(row, tenant, hash); });
}

Result<bool> PgTransaction::MarkTokenUsed(const std::string& tenant, const Bytes& hash,
                                          UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kMarkTokenUsed, {at, tenant, hash}));
  return Changed(r.get());
}

}  // namespace konfid::adapters::pg_internal
