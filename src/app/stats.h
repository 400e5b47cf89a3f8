// Stats: GET /v1/stats, counts that cannot single anyone out (docs/stats.md).
//
// What is counted (`of`) and by what (`by`):
// - events (app/tech_events.h), analytics ones only (necessary events were kept without
//   consent, for the site's working, not for counting), by UTC `day` of arrival and/or
//   `page`: page views, distinct visitors and, when at least k visitors left the page, the
//   average time on it; the persons of a cell are its distinct visitors;
// - subjects, by sign-up `month` (UTC): the subjects in the vault;
// - consents, by `purpose` (always) and `state` (given, withdrawn, expired, refused): each
//   subject's latest event in the consent ledger for each purpose it names (a consent whose
//   term passed before the expiry job recorded it still counts as given);
// - requests, by `kind`, `month` received (the tenant's time zone) and `timeliness`
//   (on_time, late, pending, overdue, no_term): the requests, their persons the distinct
//   subjects who made them;
// - profiles of a `purpose` that lists the action depersonalize, by its quasi-identifiers
//   (app/quasi_population.h), each depersonalized at its finest level (a birth date as a
//   5-year age band, a city as itself): the subjects whose data the purpose may use. Their
//   values are opened to be counted, so each query is an audit event (depersonalize, reason
//   `stats`), and a suppressed cell is left out with its key: a key of quasi-identifiers
//   would say that a few people share them.
// Every cell of fewer than the policy's `[statistics] k` persons is suppressed, and then the
// total, which would give it back (domain/stats.h); with `epsilon` set, every count published
// carries Laplace noise.
//
// The answer holds no personal data, so a query is not an audit event (but for profiles, which
// open values); it is a read on the caller's thread. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/kernel.h"
#include "domain/civil_date.h"
#include "ports/storage.h"
#include "ports/time_zone.h"

namespace konfid::app {

struct StatsQuery {
  std::string tenant;
  std::string of = "events";    // events, subjects, consents, requests, profiles
  std::vector<std::string> by;  // the dimensions, in the cells' key order; none: one cell
  std::string from;             // YYYY-MM-DD, the first day; "" for the default
  std::string to;               // YYYY-MM-DD, the last day; "" for today
  std::string purpose;          // profiles: the purpose whose subjects are counted
};

struct StatsRow {
  std::vector<std::string> key;  // the query's dimensions' values, in its order
  bool suppressed = false;       // when true, none of the counts is published
  std::vector<std::pair<std::string, int64_t>> counts;  // views and visitors; subjects; ...
  std::optional<double> average_seconds;                // events: time on the page
};

struct StatsAnswer {
  std::string of;
  std::vector<std::string> by;
  std::optional<domain::Date> from, to;  // the range counted; none for consents
  int64_t k = 0;
  double epsilon = 0;
  std::vector<StatsRow> cells;   // in the order of their keys
  int64_t suppressed = 0;        // cells suppressed
  std::string total_name;        // what the total counts: views, subjects, consents, requests
  std::optional<int64_t> total;  // withheld when any cell is suppressed
};

class Stats {
 public:
  // The longest range of one query of events, in days.
  static constexpr int64_t kMaxEventDays = 366;

  Stats(Kernel& kernel, ports::Storage& storage, const ports::TimeZones& zones)
      : k_(kernel), storage_(storage), zones_(zones) {}

  // PermissionDenied (role) without kStatsRead; NotFound tenant_not_configured;
  // InvalidArgument (invalid_query) for an unknown `of` or a dimension it has not, a
  // dimension given twice, consents without `purpose` or with a range, a date that is not
  // one, `from` after `to`, or events over more than kMaxEventDays; a `purpose` for anything
  // but profiles; for profiles, QuasiColumnsOf's errors (app/quasi_population.h) and the
  // audit write's.
  Result<StatsAnswer> Count(const Actor& actor, const StatsQuery& query);

  // One cell before suppression.
  struct Counted {
    std::vector<std::string> key;
    int64_t persons = 0;
    std::vector<std::pair<std::string, int64_t>> counts;
    int64_t total_part = 0;  // its share of the answer's total
    std::optional<double> average_seconds;
  };

 private:
  Result<std::vector<Counted>> CountEvents(const StatsAnswer& frame, const std::string& tenant);
  Result<std::vector<Counted>> CountSubjects(const StatsAnswer& frame, const std::string& tenant);
  Result<std::vector<Counted>> CountConsents(const StatsAnswer& frame, const std::string& tenant);
  Result<std::vector<Counted>> CountRequests(const StatsAnswer& frame, const std::string& tenant,
                                             std::string_view zone);
  Result<std::vector<Counted>> CountProfiles(const Actor& actor, const StatsAnswer& frame,
                                             const ActivePolicy& active,
                                             const std::string& purpose);
  StatsAnswer Publish(StatsAnswer frame, std::vector<Counted> counted);
  int64_t Noised(int64_t value, double epsilon);

  Kernel& k_;
  ports::Storage& storage_;
  const ports::TimeZones& zones_;
};

}  // namespace konfid::app
