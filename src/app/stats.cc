#include "app/stats.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/checks.h"
#include "app/quasi_population.h"
#include "domain/consent.h"
#include "domain/depersonalize.h"
#include "domain/requests.h"
#include "domain/stats.h"

namespace konfid::app {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kDefaultEventDays = 30;
constexpr size_t kRequestPage = 500;

Error BadQuery(std::string detail) {
  return Error(ErrorCode::kInvalidArgument, std::move(detail)).WithReason("invalid_query");
}

struct Kind {
  std::string_view of;
  std::vector<std::string_view> dimensions;
  std::string_view total;
};
const Kind kKinds[] = {
    {"events", {"day", "page"}, "views"},
    {"subjects", {"month"}, "subjects"},
    {"consents", {"purpose", "state"}, "consents"},
    {"requests", {"kind", "month", "timeliness"}, "requests"},
    {"profiles", {}, "subjects"},  // by the purpose's quasi-identifiers: CountProfiles checks
};

Result<domain::Date> DayOf(const std::string& text, const char* name) {
  auto d = domain::ParseIsoDate(text);
  if (!d) return Fail(BadQuery(std::string("'") + name + "' must be a date, YYYY-MM-DD"));
  return *d;
}

Status ReadDimensions(const StatsQuery& q, StatsAnswer& frame) {
  const Kind* kind = nullptr;
  for (const auto& k : kKinds)
    if (k.of == q.of) kind = &k;
  if (!kind) return Fail(BadQuery("'of' must be events, subjects, consents, requests or profiles"));
  if (q.of == "profiles" ? q.purpose.empty() : !q.purpose.empty())
    return Fail(
        BadQuery("'purpose' names the purpose whose profiles are counted, with of=profiles "
                 "and only then"));
  for (const auto& d : q.by) {
    if (!kind->dimensions.empty() &&
        std::find(kind->dimensions.begin(), kind->dimensions.end(), d) == kind->dimensions.end()) {
      std::string known;
      for (auto k : kind->dimensions) known += (known.empty() ? "" : ", ") + std::string(k);
      return Fail(
          BadQuery(q.of + " are counted by " + known + "; not by '" + d.substr(0, 32) + "'"));
    }
    if (std::count(q.by.begin(), q.by.end(), d) > 1)
      return Fail(BadQuery("'by' names " + d + " twice"));
  }
  // A subject has one latest consent event per purpose: only per purpose do they add up.
  if (q.of == "consents" && std::count(q.by.begin(), q.by.end(), "purpose") == 0)
    return Fail(BadQuery("consents are counted per purpose: 'by' must name purpose"));
  frame.of = q.of;
  frame.by = q.by;
  frame.total_name = std::string(kind->total);
  return Ok();
}

// The days counted. Events: [from, to], 30 days to today by default, at most 366. Subjects and
// requests: from the first (or `from`) to `to` (today by default). Consents: their state now.
// `today` is the UTC day, or for requests the tenant's, whose days their dates are.
Status ReadRange(const StatsQuery& q, domain::Date today, StatsAnswer& frame) {
  if (q.of == "consents" || q.of == "profiles") {
    if (!q.from.empty() || !q.to.empty())
      return Fail(BadQuery(q.of + " are counted as they stand: no 'from' or 'to'"));
    return Ok();
  }
  domain::Date to = today;
  if (!q.to.empty()) {
    KONFID_ASSIGN_OR_RETURN(to, DayOf(q.to, "to"));
  }
  frame.to = to;
  if (!q.from.empty()) {
    KONFID_ASSIGN_OR_RETURN(frame.from, DayOf(q.from, "from"));
  } else if (q.of == "events") {
    frame.from = domain::AddDays(to, -(kDefaultEventDays - 1));
  }
  if (!frame.from) return Ok();
  int64_t days = domain::DaysSinceEpoch(to) - domain::DaysSinceEpoch(*frame.from) + 1;
  if (days < 1) return Fail(BadQuery("'from' is after 'to'"));
  if (q.of == "events" && days > Stats::kMaxEventDays)
    return Fail(BadQuery("events are counted over at most " + std::to_string(Stats::kMaxEventDays) +
                         " days"));
  return Ok();
}

bool Has(const std::vector<std::string>& by, std::string_view d) {
  return std::find(by.begin(), by.end(), d) != by.end();
}

// The key of a cell from the values of its dimensions.
std::vector<std::string> KeyOf(const std::vector<std::string>& by,
                               const std::map<std::string_view, std::string>& values) {
  std::vector<std::string> key;
  for (const auto& d : by) key.push_back(values.at(d));
  return key;
}

// Adds `n` to the cell of `key`, which counts `name`.
void Add(std::map<std::vector<std::string>, Stats::Counted>& cells, std::vector<std::string> key,
         const std::string& name, int64_t n) {
  Stats::Counted& c = cells[key];
  c.key = std::move(key);
  c.persons += n;
  c.total_part += n;
  if (c.counts.empty()) c.counts.emplace_back(name, 0);
  c.counts[0].second += n;
}

std::vector<Stats::Counted> Values(std::map<std::vector<std::string>, Stats::Counted> cells) {
  std::vector<Stats::Counted> out;
  for (auto& [key, c] : cells) out.push_back(std::move(c));
  return out;
}

std::string MonthOf(domain::Date d) { return domain::FormatIsoDate(d).substr(0, 7); }

std::string_view StateOf(std::string_view kind) {
  auto k = domain::ParseConsentKind(kind);
  if (k == domain::ConsentKind::kRenewed) return "given";
  return kind;
}

}  // namespace

Result<StatsAnswer> Stats::Count(const Actor& actor, const StatsQuery& query) {
  KONFID_TRY(Kernel::Permit(actor, Permission::kStatsRead));
  auto active = k_.Active(query.tenant);
  if (!active)
    return Fail(Error(ErrorCode::kNotFound, "tenant is not configured")
                    .WithReason("tenant_not_configured"));
  StatsAnswer frame;
  KONFID_TRY(ReadDimensions(query, frame));
  const UnixMicros now = k_.clock().Now();
  domain::Date today = domain::DateFromDays(now / kMicrosPerDay);
  if (frame.of == "requests" || frame.of == "profiles") {
    KONFID_ASSIGN_OR_RETURN(today, zones_.LocalDate(active->policy->TimeZone(), now));
  }
  KONFID_TRY(ReadRange(query, today, frame));
  frame.k = active->policy->statistics.k;
  frame.epsilon = active->policy->statistics.epsilon;
  Result<std::vector<Counted>> counted =
      frame.of == "events"     ? CountEvents(frame, query.tenant)
      : frame.of == "subjects" ? CountSubjects(frame, query.tenant)
      : frame.of == "consents" ? CountConsents(frame, query.tenant)
      : frame.of == "profiles" ? CountProfiles(actor, frame, *active, query.purpose)
                               : CountRequests(frame, query.tenant, active->policy->TimeZone());
  if (!counted) return Fail(counted.error());
  StatsAnswer answer = Publish(std::move(frame), std::move(*counted));
  if (answer.of == "profiles")  // a suppressed cell's key would tell that a few share it
    std::erase_if(answer.cells, [](const StatsRow& row) { return row.suppressed; });
  return answer;
}

namespace {

// The purpose's quasi-identifiers that `by` names, in its order (all of them for no `by`):
// the only values a count opens.
Result<internal::QuasiColumns> ProfileColumns(const domain::TenantPolicy& policy,
                                              const std::string& purpose,
                                              const std::vector<std::string>& by) {
  KONFID_ASSIGN_OR_RETURN(internal::QuasiColumns all, internal::QuasiColumnsOf(policy, purpose));
  if (by.empty()) return all;
  internal::QuasiColumns out{all.purpose, {}};
  for (const auto& d : by) {
    auto it = std::find_if(all.fields.begin(), all.fields.end(),
                           [&](const domain::FieldSpec* f) { return f->name == d; });
    if (it == all.fields.end())
      return Fail(BadQuery("profiles of " + purpose +
                           " are counted by its quasi-identifiers; not by '" + d.substr(0, 32) +
                           "'"));
    out.fields.push_back(*it);
  }
  return out;
}

}  // namespace

Result<std::vector<Stats::Counted>> Stats::CountProfiles(const Actor& actor,
                                                         const StatsAnswer& frame,
                                                         const ActivePolicy& active,
                                                         const std::string& purpose) {
  const UnixMicros now = k_.clock().Now();
  KONFID_ASSIGN_OR_RETURN(domain::Date today, zones_.LocalDate(active.policy->TimeZone(), now));
  auto columns = ProfileColumns(*active.policy, purpose, frame.by);
  auto population =
      columns ? internal::ReadQuasiPopulation(k_, storage_, active, *columns, now, SIZE_MAX)
              : Result<internal::QuasiPopulation>(Fail(columns.error()));
  // Audited whatever came of it: the values opened, or the refusal.
  auto event =
      MakeEvent(actor, domain::Operation::kDepersonalize, "", columns ? columns->names() : frame.by,
                population ? domain::Outcome::kOk : internal::OutcomeOf(population.error()),
                population ? "stats" : ReasonOf(population.error()));
  event.purpose = purpose;
  KONFID_TRY(k_.committer().Run(
      [&](ports::Transaction&, AuditWriter& audit) { return audit.Append(event); }));
  if (!population) return Fail(population.error());
  std::map<std::vector<std::string>, Counted> cells;
  for (const auto& row : population->table.rows) {
    std::vector<std::string> key;
    for (size_t c = 0; c < frame.by.size(); ++c)
      key.push_back(domain::Generalize(population->table.types[c], row[c], 0, today));
    Add(cells, std::move(key), "subjects", 1);
  }
  return Values(std::move(cells));
}

Result<std::vector<Stats::Counted>> Stats::CountEvents(const StatsAnswer& frame,
                                                       const std::string& tenant) {
  ports::TechEventCountQuery q;
  q.by_day = Has(frame.by, "day");
  q.by_page = Has(frame.by, "page");
  q.from_id = Kernel::IdFloor(domain::DaysSinceEpoch(*frame.from) * kMicrosPerDay);
  q.to_id = Kernel::IdFloor((domain::DaysSinceEpoch(*frame.to) + 1) * kMicrosPerDay);
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn->CountTechEvents(tenant, q));
  std::vector<Counted> out;
  for (const auto& r : rows) {
    Counted c;
    c.key = KeyOf(frame.by,
                  {{"day", domain::FormatIsoDate(domain::DateFromDays(r.day))}, {"page", r.page}});
    c.persons = r.visitors;
    c.counts = {{"views", r.views}, {"visitors", r.visitors}};
    c.total_part = r.views;
    // An average of fewer than k visitors' times would tell one visitor's.
    if (r.leaves > 0 && r.leave_visitors >= frame.k)
      c.average_seconds = static_cast<double>(r.duration_ms) / 1000.0 / r.leaves;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Stats::Counted>> Stats::CountSubjects(const StatsAnswer& frame,
                                                         const std::string& tenant) {
  UnixMicros from = frame.from ? domain::DaysSinceEpoch(*frame.from) * kMicrosPerDay : 0;
  UnixMicros to = (domain::DaysSinceEpoch(*frame.to) + 1) * kMicrosPerDay;
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn->CountSubjectsByDay(tenant, from, to));
  std::map<std::vector<std::string>, Counted> cells;
  for (const auto& r : rows)
    Add(cells, KeyOf(frame.by, {{"month", MonthOf(domain::DateFromDays(r.day))}}), "subjects",
        r.count);
  return Values(std::move(cells));
}

Result<std::vector<Stats::Counted>> Stats::CountConsents(const StatsAnswer& frame,
                                                         const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn->CountConsentStates(tenant));
  std::map<std::vector<std::string>, Counted> cells;
  for (const auto& r : rows)
    Add(cells, KeyOf(frame.by, {{"purpose", r.purpose}, {"state", std::string(StateOf(r.kind))}}),
        "subjects", r.subjects);
  return Values(std::move(cells));
}

Result<std::vector<Stats::Counted>> Stats::CountRequests(const StatsAnswer& frame,
                                                         const std::string& tenant,
                                                         std::string_view zone) {
  KONFID_ASSIGN_OR_RETURN(domain::Date today_date, zones_.LocalDate(zone, k_.clock().Now()));
  const std::string today = domain::FormatIsoDate(today_date);
  const std::string from = frame.from ? domain::FormatIsoDate(*frame.from) : "";
  const std::string to = domain::FormatIsoDate(*frame.to);
  std::map<std::vector<std::string>, Counted> cells;
  std::map<std::vector<std::string>, std::set<std::string>> subjects;
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  for (ports::RequestFilter page{.limit = kRequestPage};;) {
    KONFID_ASSIGN_OR_RETURN(auto rows, txn->ListRequests(tenant, page));
    for (const auto& r : rows) {
      if (r.received_on < from || r.received_on > to) continue;
      KONFID_ASSIGN_OR_RETURN(domain::Date closed, zones_.LocalDate(zone, r.updated_at));
      auto key = KeyOf(
          frame.by, {{"kind", r.kind},
                     {"month", r.received_on.substr(0, 7)},
                     {"timeliness", std::string(domain::RequestTimeliness(
                                        r.open, r.due_on, today, domain::FormatIsoDate(closed)))}});
      Add(cells, key, "requests", 1);
      subjects[key].insert(r.subject);
    }
    if (rows.size() < page.limit) break;
    page.after = rows.back().id;
  }
  for (auto& [key, c] : cells) c.persons = static_cast<int64_t>(subjects[key].size());
  return Values(std::move(cells));
}

StatsAnswer Stats::Publish(StatsAnswer frame, std::vector<Counted> counted) {
  std::sort(counted.begin(), counted.end(),
            [](const Counted& a, const Counted& b) { return a.key < b.key; });
  std::vector<domain::StatsCell> cells;
  for (const auto& c : counted) cells.push_back({c.key, c.persons, false});
  const bool total_kept = domain::Suppress(cells, frame.k).has_value();
  int64_t total = 0;
  for (size_t i = 0; i < counted.size(); ++i) {
    Counted& c = counted[i];
    total += c.total_part;
    StatsRow row{std::move(c.key), cells[i].suppressed, {}, std::nullopt};
    if (row.suppressed) {
      ++frame.suppressed;
    } else {
      for (auto& [name, n] : c.counts) row.counts.emplace_back(name, Noised(n, frame.epsilon));
      row.average_seconds = c.average_seconds;
    }
    frame.cells.push_back(std::move(row));
  }
  if (total_kept) frame.total = Noised(total, frame.epsilon);
  return frame;
}

int64_t Stats::Noised(int64_t value, double epsilon) {
  if (epsilon <= 0) return value;
  uint64_t bits = 0;
  k_.crypto().RandomBytes(std::span(reinterpret_cast<uint8_t*>(&bits), sizeof bits));
  // 53 random bits, as a double in (-0.5, 0.5).
  double u = (static_cast<double>(bits >> 11) + 0.5) / 9007199254740992.0 - 0.5;
  return domain::AddLaplaceNoise(value, epsilon, u);
}

}  // namespace konfid::app
