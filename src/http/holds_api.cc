// Legal holds for staff: placing one on a subject's data for a dispute or an authority's
// request, listing the subject's, lifting one early (docs/retention.md).
#include <boost/json.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object HoldJson(const app::HoldView& h) {
  json::array fields;
  for (const auto& f : h.fields) fields.emplace_back(f);
  json::value document = nullptr;
  if (h.document)
    document = json::object{{"authority", h.document->authority},
                            {"number", h.document->number},
                            {"date", domain::FormatIsoDate(h.document->date)}};
  return json::object{
      {"id", h.id},
      {"subject", h.subject},
      {"reason", h.reason},
      {"fields", std::move(fields)},
      {"until", domain::FormatIsoDate(domain::DateFromDays(h.until / kMicrosPerDay - 1))},
      {"document", std::move(document)},
      {"placed_by", h.placed_by},
      {"placed_at", FormatRfc3339(h.placed_at)},
      {"lifted_by", h.lifted_at ? json::value(h.lifted_by) : json::value(nullptr)},
      {"lifted_at", h.lifted_at ? json::value(FormatRfc3339(h.lifted_at)) : json::value(nullptr)}};
}

}  // namespace

Response Api::PlaceHold(const Call& call) {
  auto order = ParseHoldBody(call.req);
  if (!order) return Problem(call.req, order.error());
  std::string id(call.params.Get("id"));
  auto r = Await<app::HoldView>(
      [&](auto cb) { d_.holds.Place(*call.actor, id, std::move(*order), std::move(cb)); },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(201, HoldJson(*r), call.req);
}

Response Api::ListHolds(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<std::vector<app::HoldView>>(
      [&](auto cb) { d_.holds.List(*call.actor, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array holds;
  for (const auto& h : *r) holds.push_back(HoldJson(h));
  return Json(200, json::object{{"subject", id}, {"holds", std::move(holds)}}, call.req);
}

Response Api::LiftHold(const Call& call) {
  std::string id(call.params.Get("id")), hold(call.params.Get("hold"));
  auto r = Await<app::HoldView>(
      [&](auto cb) { d_.holds.Lift(*call.actor, id, hold, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(200, HoldJson(*r), call.req);
}

}  // namespace konfid::http
