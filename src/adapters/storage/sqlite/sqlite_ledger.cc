// The SQLite statements of policy versions, the consent ledger, notice runs, the outbox and
// tokens. Their texts and row mapping are shared with PostgreSQL (statements.cc, rows.h).
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

Status SqliteTransaction::InsertPolicyVersion(const ports::PolicyVersionRow& r,
                                              const std::vector<ports::PolicyTextRow>& texts) {
  KONFID_TRY(Write(Stmt::kInsertPolicyVersion, r.tenant, r.version, r.effective_at, r.published_at,
                   r.text_hash, static_cast<int64_t>(r.material), r.changes, r.source));
  for (const auto& t : texts)
    KONFID_TRY(
        Write(Stmt::kInsertPolicyText, r.tenant, r.version, t.document, t.lang, t.format, t.text));
  return Ok();
}

Result<std::vector<ports::PolicyVersionRow>> SqliteTransaction::ListPolicyVersions(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListPolicyVersions, tenant));
  return All(s, [&](const SqliteRow& row) { return PolicyVersionFrom(row, tenant); });
}

Result<std::optional<ports::PolicyVersionRow>> SqliteTransaction::FindPolicyVersion(
    const std::string& tenant, int64_t version) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindPolicyVersion, tenant, version));
  return One(s, [&](const SqliteRow& row) { return PolicyVersionFrom(row, tenant); });
}

Result<std::optional<std::string>> SqliteTransaction::FindPolicyText(const std::string& tenant,
                                                                     int64_t version,
                                                                     const std::string& document,
                                                                     const std::string& lang,
                                                                     const std::string& format) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run(Stmt::kFindPolicyText, tenant, version, document, lang, format));
  return One(s, [](const SqliteRow& row) { return row.Text(0); });
}

Status SqliteTransaction::InsertConsentEvent(const ports::ConsentEventRow& r) {
  const domain::ConsentEvent& e = r.event;
  return Write(Stmt::kInsertConsentEvent, r.tenant, r.subject, e.id, e.purpose,
               std::string(domain::ConsentKindName(e.kind)), e.policy_version, e.text_hash,
               e.method, e.source, e.time, e.ip, e.user_agent, r.receipt);
}

namespace {
// The consent events of a bound statement; fails on the first of an unknown kind.
Result<std::vector<ports::ConsentEventRow>> ConsentEvents(SqliteTransaction& t, sqlite3_stmt* s,
                                                          const std::string& tenant) {
  std::vector<ports::ConsentEventRow> out;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(bool row, t.Step(s));
    if (!row) break;
    auto event = ConsentEventFrom(SqliteRow{s}, tenant);
    if (!event) {
      sqlite3_reset(s);
      return Fail(event.error());
    }
    out.push_back(std::move(*event));
  }
  sqlite3_reset(s);
  return out;
}
}  // namespace

Result<std::vector<ports::ConsentEventRow>> SqliteTransaction::ListConsentEvents(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListConsentEvents, tenant, subject));
  return ConsentEvents(*this, s, tenant);
}

Result<std::optional<ports::ConsentEventRow>> SqliteTransaction::FindConsentEvent(
    const std::string& tenant, const std::string& event_id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindConsentEvent, tenant, event_id));
  KONFID_ASSIGN_OR_RETURN(auto rows, ConsentEvents(*this, s, tenant));
  if (rows.empty()) return std::optional<ports::ConsentEventRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<std::string>> SqliteTransaction::ListConsentSubjects(const std::string& tenant,
                                                                        const std::string& after,
                                                                        size_t limit) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListConsentSubjects, tenant, after,
                                                static_cast<int64_t>(limit)));
  return All(s, [](const SqliteRow& row) { return row.Text(0); });
}

Status SqliteTransaction::InsertNoticeRun(const ports::NoticeRunRow& r) {
  return Write(Stmt::kInsertNoticeRun, r.tenant, r.version, r.kind, r.after_subject,
               int64_t{r.done}, r.queued);
}

Result<std::vector<ports::NoticeRunRow>> SqliteTransaction::ListNoticeRuns(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListNoticeRuns, tenant));
  return All(s, [&](const SqliteRow& row) { return NoticeRunFrom(row, tenant); });
}

Result<bool> SqliteTransaction::AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                                 const std::string& expected) {
  KONFID_TRY(Write(Stmt::kAdvanceNoticeRun, r.after_subject, int64_t{r.done}, r.queued, r.tenant,
                   r.version, r.kind, expected));
  return Changed();
}

Status SqliteTransaction::InsertOutbox(const ports::OutboxRow& r) {
  return Write(Stmt::kInsertOutbox, r.tenant, r.id, r.subject, r.kind, r.payload, r.status,
               r.attempts, r.next_attempt_at, r.created_at, r.sent_at, r.last_error);
}

Result<std::vector<ports::OutboxRow>> SqliteTransaction::DueOutbox(UnixMicros now, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run(Stmt::kDueOutbox, now, static_cast<int64_t>(limit)));
  return All(s, [](const SqliteRow& row) { return OutboxFrom(row); });
}

Result<std::optional<ports::OutboxRow>> SqliteTransaction::FindOutbox(const std::string& tenant,
                                                                      const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindOutbox, tenant, id));
  return One(s, [](const SqliteRow& row) { return OutboxFrom(row); });
}

Result<std::vector<ports::OutboxRow>> SqliteTransaction::ListSubjectOutbox(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListSubjectOutbox, tenant, tenant, subject));
  return All(s, [](const SqliteRow& row) { return OutboxFrom(row); });
}

Result<bool> SqliteTransaction::ClaimOutbox(const std::string& tenant, const std::string& id,
                                            UnixMicros due, UnixMicros until) {
  KONFID_TRY(Write(Stmt::kClaimOutbox, until, tenant, id, due));
  return Changed();
}

Status SqliteTransaction::UpdateOutbox(const ports::OutboxRow& r) {
  return Write(Stmt::kUpdateOutbox, r.status, r.attempts, r.next_attempt_at, r.sent_at,
               r.last_error, r.payload, r.tenant, r.id);
}

Status SqliteTransaction::InsertToken(const ports::TokenRow& r) {
  return Write(Stmt::kInsertToken, r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at,
               r.expires_at, r.used_at);
}

Result<std::optional<ports::TokenRow>> SqliteTransaction::FindToken(const std::string& tenant,
                                                                    const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindToken, tenant, hash));
  return One(s, [&](const SqliteRow& row) { return TokenFrom(row, tenant, hash); });
}

Result<bool> SqliteTransaction::MarkTokenUsed(const std::string& tenant, const Bytes& hash,
                                              UnixMicros at) {
  KONFID_TRY(Write(Stmt::kMarkTokenUsed, at, tenant, hash));
  return Changed();
}

}  // namespace konfid::adapters::sqlite_internal
