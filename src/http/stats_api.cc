// Statistics for staff (app/stats.h, docs/stats.md): GET /v1/stats.
#include <boost/json.hpp>

#include <set>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// ?of=events&by=day,page&from=YYYY-MM-DD&to=YYYY-MM-DD, each at most once; the values are
// checked by the use case.
Result<app::StatsQuery> ParseStatsQuery(const Call& call) {
  app::StatsQuery q;
  q.tenant = call.actor->tenant;
  std::set<std::string> seen;
  for (auto p : call.target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    if (!seen.insert(key).second ||
        (key != "of" && key != "by" && key != "from" && key != "to" && key != "purpose"))
      return Fail(Invalid("the statistics take of, by, from, to and purpose, each once; '" +
                              key.substr(0, 32) + "' is not one of them or is repeated",
                          "invalid_query"));
    if (key == "of") q.of = value;
    if (key == "from") q.from = value;
    if (key == "to") q.to = value;
    if (key == "purpose" && value.size() > 64)
      return Fail(Invalid("'purpose' names a purpose: at most 64 characters", "invalid_query"));
    if (key == "purpose") q.purpose = value;
    if (key == "by") {
      for (size_t at = 0; at <= value.size();) {
        size_t comma = std::min(value.find(',', at), value.size());
        q.by.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
    }
  }
  return q;
}

json::object CellJson(const app::StatsAnswer& a, const app::StatsRow& row) {
  json::object cell;
  for (size_t i = 0; i < a.by.size(); ++i) cell[a.by[i]] = row.key[i];
  if (row.suppressed) {
    cell["suppressed"] = true;
    return cell;
  }
  for (const auto& [name, n] : row.counts) cell[name] = n;
  if (a.of == "events")
    cell["average_seconds"] =
        row.average_seconds ? json::value(*row.average_seconds) : json::value(nullptr);
  return cell;
}

}  // namespace

Response Api::StatsQuery(const Call& call) {
  auto query = ParseStatsQuery(call);
  if (!query) return Problem(call.req, query.error());
  auto answer = d_.stats.Count(*call.actor, *query);
  if (!answer) return Problem(call.req, answer.error());
  json::array cells;
  for (const auto& row : answer->cells) cells.push_back(CellJson(*answer, row));
  json::array by;
  for (const auto& d : answer->by) by.push_back(json::value(d));
  auto day = [](const std::optional<domain::Date>& d) {
    return d ? json::value(domain::FormatIsoDate(*d)) : json::value(nullptr);
  };
  json::object body{
      {"of", answer->of},
      {"by", std::move(by)},
      {"from", day(answer->from)},
      {"to", day(answer->to)},
      {"k", answer->k},
      {"epsilon", answer->epsilon},
      {"cells", std::move(cells)},
      {"suppressed", answer->suppressed},
      {"total", answer->total ? json::value(json::object{{answer->total_name, *answer->total}})
                              : json::value(nullptr)},
  };
  return Json(200, body, call.req);
}

}  // namespace konfid::http
