// The SQLite statements of technical events and cookie choices, and of the statistics (texts and
// row mapping shared: statements.cc, rows.h).
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

namespace {

int64_t Limit(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)); }

}  // namespace

Status SqliteTransaction::InsertTechEvent(const ports::TechEventRow& r) {
  return Write(Stmt::kInsertTechEvent, r.tenant, r.id, r.at, r.kind, r.category, r.visitor, r.page,
               r.referrer, r.user_agent, r.duration_ms, r.ip);
}

Result<std::vector<ports::TechEventRow>> SqliteTransaction::ListTechEvents(
    const std::string& tenant, const std::string& after, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run(Stmt::kListTechEvents, tenant, after, Limit(limit)));
  return All(s, [](const SqliteRow& row) { return TechEventFrom(row); });
}

Result<uint64_t> SqliteTransaction::DeleteTechEventsBefore(const std::string& tenant,
                                                           const std::string& before_id,
                                                           size_t limit) {
  KONFID_TRY(Write(Stmt::kDeleteTechEventsBefore, tenant, before_id, Limit(limit)));
  return ChangedRows();
}

Status SqliteTransaction::InsertCookieChoice(const ports::CookieChoiceRow& r) {
  return Write(Stmt::kInsertCookieChoice, r.tenant, r.visitor, r.id, r.at, r.policy_version,
               r.granted, int64_t{r.gpc ? 1 : 0}, r.ip);
}

Result<std::optional<ports::CookieChoiceRow>> SqliteTransaction::FindCookieChoice(
    const std::string& tenant, const Bytes& visitor) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindCookieChoice, tenant, visitor));
  return One(s, [](const SqliteRow& row) { return CookieChoiceFrom(row); });
}

Result<uint64_t> SqliteTransaction::DeleteCookieChoicesBefore(const std::string& tenant,
                                                              UnixMicros before, size_t limit) {
  KONFID_TRY(Write(Stmt::kDeleteCookieChoicesBefore, tenant, before, Limit(limit)));
  return ChangedRows();
}

Result<std::vector<ports::TechEventCount>> SqliteTransaction::CountTechEvents(
    const std::string& tenant, const ports::TechEventCountQuery& q) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(TechEventCountStatement(q.by_day, q.by_page),
                                                tenant, q.from_id, q.to_id));
  return All(s, [](const SqliteRow& row) { return TechEventCountFrom(row); });
}

Result<std::vector<ports::DayCount>> SqliteTransaction::CountSubjectsByDay(
    const std::string& tenant, UnixMicros from, UnixMicros to) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountSubjectsByDay, tenant, from, to));
  return All(s, [](const SqliteRow& row) { return ports::DayCount{row.Int(0), row.Int(1)}; });
}

Result<std::vector<ports::ConsentStateCount>> SqliteTransaction::CountConsentStates(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountConsentStates, tenant));
  return All(s, [](const SqliteRow& row) {
    return ports::ConsentStateCount{row.Text(0), row.Text(1), row.Int(2)};
  });
}

}  // namespace konfid::adapters::sqlite_internal
