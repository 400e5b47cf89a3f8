// A site's pages' technical events and cookie choices (app/tech_events.h, docs/events.md):
// POST /v1/events from the site's script, and GET /v1/events/beacon, a 1×1 image for pages
// without JavaScript. Both are public: they carry no key and open nothing, so any origin may
// send them and read the answer.
#include <boost/json.hpp>

#include <set>

#include "http/api.h"
#include "http/bodies.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// A transparent 1×1 GIF.
constexpr unsigned char kPixel[] = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

// ?tenant=&kind=&category=&visitor=&page=&referrer=, each at most once; `page` defaults to
// the Referer header: the page that holds the image.
Result<app::TechEventInput> ParseBeaconQuery(const Call& call) {
  app::TechEventInput in;
  in.kind = "page_view";
  bool have_page = false;
  std::set<std::string> seen;
  for (auto p : call.target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key;
    std::string* into = key == "tenant"     ? &in.tenant
                        : key == "kind"     ? &in.kind
                        : key == "category" ? &in.category
                        : key == "visitor"  ? &in.visitor
                        : key == "page"     ? &in.page
                        : key == "referrer" ? &in.referrer
                                            : nullptr;
    if (!into || !seen.insert(key).second)
      return Fail(
          Invalid("the beacon takes tenant, kind, category, visitor, page and referrer, "
                  "each once; '" +
                      key.substr(0, 32) + "' is not one of them or is repeated",
                  "invalid_query"));
    *into = p.value;
    have_page = have_page || key == "page";
  }
  if (!have_page) in.page = std::string(call.req[beast_http::field::referer]);
  if (in.kind == "cookie_choice")
    return Fail(Invalid("a cookie choice is posted to /v1/events, not sent by the beacon",
                        "invalid_value"));
  return in;
}

// Any site may send events and read what became of them.
Response Open(Response res) {
  res.set(beast_http::field::access_control_allow_origin, "*");
  return res;
}

json::object ChoiceJson(const domain::CookieChoice& c) {
  return json::object{
      {"functional", c.functional}, {"analytics", c.analytics}, {"marketing", c.marketing}};
}

}  // namespace

Response Api::RecordEvent(const Call& call) {
  auto in = ParseEventBody(call.req);
  if (!in) return Open(Problem(call.req, in.error()));
  return KeepEvent(call, std::move(*in), false);
}

Response Api::Beacon(const Call& call) {
  auto in = ParseBeaconQuery(call);
  if (!in) return Open(Problem(call.req, in.error()));
  return KeepEvent(call, std::move(*in), true);
}

Response Api::KeepEvent(const Call& call, app::TechEventInput in, bool beacon) {
  if (events_limit_ && !events_limit_->Allow(call.client, d_.clock.MonotonicMicros()))
    return Open(Problem(call.req, Error(ErrorCode::kTooManyRequests, "too many events; slow down")
                                      .WithReason("rate_limited")));
  in.user_agent = std::string(call.req[beast_http::field::user_agent]);
  in.ip = call.client;
  in.gpc = call.req["Sec-GPC"] == "1";
  auto r = Await<app::TechEventOutcome>(
      [&](auto cb) { d_.tech_events.Record(std::move(in), std::move(cb)); }, call.yield);
  if (!r) return Open(Problem(call.req, r.error()));
  if (r->granted)
    return Open(Json(201,
                     json::object{{"choice", r->id},
                                  {"granted", ChoiceJson(*r->granted)},
                                  {"gpc", call.req["Sec-GPC"] == "1"}},
                     call.req));
  if (!beacon) return Open(NoContent(call.req));
  Response res =
      Text(200, std::string(std::begin(kPixel), std::end(kPixel)), "image/gif", call.req);
  res.set(beast_http::field::cache_control, "no-store");
  return Open(std::move(res));
}

}  // namespace konfid::http
