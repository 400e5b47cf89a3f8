// GET /v1/subjects/{id}/retention: until when each field a subject holds is kept, for which
// purpose, and what happens then (docs/retention.md). Field names and dates only, no values.
// POST and DELETE /v1/subjects/{id}/contracts/{purpose}/end: the site's word that a contract
// ended, from which such a purpose's term runs, or that it goes on.
#include <boost/json.hpp>

#include "core/time.h"
#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

Response Api::RetentionSchedule(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<app::RetentionSchedule>(
      [&](auto cb) { d_.retention.Schedule(*call.actor, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array fields;
  for (const auto& plan : r->fields) {
    json::object f{
        {"field", plan.field},
        {"purpose", plan.purpose.empty() ? json::value(nullptr) : json::value(plan.purpose)},
        {"until", plan.until == domain::kHeldIndefinitely ? json::value(nullptr)
                                                          : json::value(FormatRfc3339(plan.until))},
        {"on_expiry", plan.on_expiry},
        {"blocked", r->blocked.all || r->blocked.fields.contains(plan.field)}};
    fields.push_back(std::move(f));
  }
  json::array kept;
  for (const auto& purpose : r->kept) kept.emplace_back(purpose);
  return Json(
      200, json::object{{"subject", id}, {"fields", std::move(fields)}, {"kept", std::move(kept)}},
      call.req);
}

// POST (ended) and DELETE (goes on again) /v1/subjects/{id}/contracts/{purpose}/end.
Response Api::ContractEnd(const Call& call) {
  std::string id(call.params.Get("id")), purpose(call.params.Get("purpose"));
  bool ended = call.req.method() == beast_http::verb::post;
  auto r = Await<UnixMicros>(
      [&](auto cb) { d_.retention.EndContract(*call.actor, id, purpose, ended, std::move(cb)); },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(
      200,
      json::object{{"subject", id},
                   {"purpose", purpose},
                   {"ended_at", *r == 0 ? json::value(nullptr) : json::value(FormatRfc3339(*r))}},
      call.req);
}

}  // namespace konfid::http
