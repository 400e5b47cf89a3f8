// Depersonalized exports for staff (app/depersonalized_exports.h, docs/stats.md):
// POST /v1/exports/depersonalized.
#include <boost/json.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// The most rows an answer carries; a larger population is for `konfid export depersonalized`.
constexpr size_t kMaxAnswerRows = 100'000;

json::object DatasetJson(const app::DepersonalizedDataset& d) {
  json::array columns;
  for (const auto& c : d.columns)
    columns.push_back(json::object{{"field", c.field}, {"generalization", c.generalization}});
  json::array rows;
  for (const auto& r : d.rows) {
    json::object row{{"pseudonym", r.pseudonym}};
    for (size_t c = 0; c < d.columns.size(); ++c) row[d.columns[c].field] = r.values[c];
    rows.push_back(std::move(row));
  }
  return json::object{{"id", d.id},
                      {"purpose", d.purpose},
                      {"time", FormatRfc3339(d.time)},
                      {"k", d.k},
                      {"columns", std::move(columns)},
                      {"population", d.population},
                      {"released", static_cast<int64_t>(d.rows.size())},
                      {"suppressed", d.suppressed},
                      {"smallest_class", d.smallest_class},
                      {"rows", std::move(rows)}};
}

}  // namespace

Response Api::ExportDepersonalized(const Call& call) {
  auto purpose = ParseExportBody(call.req);
  if (!purpose) return Problem(call.req, purpose.error());
  auto dataset = d_.exports.Export(*call.actor, *purpose, kMaxAnswerRows);
  if (!dataset) return Problem(call.req, dataset.error());
  return Json(201, DatasetJson(*dataset), call.req);
}

}  // namespace konfid::http
