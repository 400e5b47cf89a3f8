// The PostgreSQL statements of technical events and cookie choices, and of the statistics (texts
// and row mapping shared: statements.cc, rows.h).
#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

namespace {

int64_t Limit(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)); }

}  // namespace

Status PgTransaction::InsertTechEvent(const ports::TechEventRow& r) {
  return X(Stmt::kInsertTechEvent, {r.tenant, r.id, r.at, r.kind, r.category, r.visitor, r.page,
                                    r.referrer, r.user_agent, r.duration_ms, r.ip});
}

Result<std::vector<ports::TechEventRow>> PgTransaction::ListTechEvents(const std::string& tenant,
                                                                       const std::string& after,
                                                                       size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListTechEvents, {tenant, after, Limit(limit)}));
  return All(r.get(), [](const PgRow& row) { return TechEventFrom(row); });
}

Result<uint64_t> PgTransaction::DeleteTechEventsBefore(const std::string& tenant,
                                                       const std::string& before_id, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q(Stmt::kDeleteTechEventsBefore, {tenant, before_id, Limit(limit)}));
  return ChangedRows(r.get());
}

Status PgTransaction::InsertCookieChoice(const ports::CookieChoiceRow& r) {
  return X(Stmt::kInsertCookieChoice, {r.tenant, r.visitor, r.id, r.at, r.policy_version, r.granted,
                                       int64_t{r.gpc ? 1 : 0}, r.ip});
}

Result<std::optional<ports::CookieChoiceRow>> PgTransaction::FindCookieChoice(
    const std::string& tenant, const Bytes& visitor) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindCookieChoice, {tenant, visitor}));
  return One(r.get(), [](const PgRow& row) { return CookieChoiceFrom(row); });
}

Result<uint64_t> PgTransaction::DeleteCookieChoicesBefore(const std::string& tenant,
                                                          UnixMicros before, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q(Stmt::kDeleteCookieChoicesBefore, {tenant, before, Limit(limit)}));
  return ChangedRows(r.get());
}

Result<std::vector<ports::TechEventCount>> PgTransaction::CountTechEvents(
    const std::string& tenant, const ports::TechEventCountQuery& q) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q(TechEventCountStatement(q.by_day, q.by_page), {tenant, q.from_id, q.to_id}));
  return All(r.get(), [](const PgRow& row) { return TechEventCountFrom(row); });
}

Result<std::vector<ports::DayCount>> PgTransaction::CountSubjectsByDay(const std::string& tenant,
                                                                       UnixMicros from,
                                                                       UnixMicros to) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountSubjectsByDay, {tenant, from, to}));
  return All(r.get(), [](const PgRow& row) { return ports::DayCount{row.Int(0), row.Int(1)}; });
}

Result<std::vector<ports::ConsentStateCount>> PgTransaction::CountConsentStates(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountConsentStates, {tenant}));
  return All(r.get(), [](const PgRow& row) {
    return ports::ConsentStateCount{row.Text(0), row.Text(1), row.Int(2)};
  });
}

}  // namespace konfid::adapters::pg_internal
