// A subject's consents, their receipts, and marketing messages with their unsubscribe links.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object ConsentStateJson(const std::string& purpose, const domain::ConsentState& st) {
  return json::object{{"purpose", purpose},
                      {"state", st.last ? domain::ConsentKindName(*st.last) : "none"},
                      {"live", st.live},
                      {"renewal_needed", st.renewal_needed},
                      {"since", st.since ? FormatRfc3339(st.since) : ""},
                      {"policy_version", st.policy_version},
                      {"expires_at", st.expires_at ? FormatRfc3339(st.expires_at) : ""}};
}

}  // namespace

Response Api::Consents(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<app::ConsentLedger>(
      [&](auto cb) { d_.consents.Ledger(*call.actor, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array states, events;
  for (const auto& [purpose, st] : r->states) states.push_back(ConsentStateJson(purpose, st));
  for (const auto& e : r->events) events.push_back(ConsentEventJson(e));
  return Json(
      200,
      json::object{{"subject", id}, {"consents", std::move(states)}, {"events", std::move(events)}},
      call.req);
}

Response Api::RecordConsent(const Call& call) {
  auto input = ParseConsentBody(call.req);
  if (!input) return Problem(call.req, input.error());
  std::string id(call.params.Get("id"));
  auto r = Await<ports::ConsentEventRow>(
      [&](auto cb) { d_.consents.Record(*call.actor, id, *input, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::object body = ConsentEventJson(r->event);
  body["receipt"] = r->receipt;
  Response res = Json(201, body, call.req);
  res.set(beast_http::field::location, "/v1/receipts/" + r->event.id);
  return res;
}

Response Api::Receipt(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<ports::ConsentEventRow>(
      [&](auto cb) { d_.consents.Receipt(*call.actor, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  if (call.req[beast_http::field::accept].find("application/jose") != std::string_view::npos)
    return Text(200, r->receipt, "application/jose", call.req);
  json::object body = ConsentEventJson(r->event);
  body["subject"] = r->subject;
  body["receipt"] = r->receipt;
  return Json(200, body, call.req);
}

Response Api::SendMessage(const Call& call) {
  auto body = ParseJsonObject(call.req);
  if (!body) return Problem(call.req, body.error());
  if (auto st = OnlyMembers(*body, {"purpose", "subject", "body"}, "the body"); !st)
    return Problem(call.req, st.error());
  std::string id(call.params.Get("id"));
  auto r = Await<std::string>(
      [&](auto cb) {
        d_.marketing.Send(*call.actor, id, StringMember(*body, "purpose"),
                          StringMember(*body, "subject"), StringMember(*body, "body"),
                          std::move(cb));
      },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(202, json::object{{"message", *r}}, call.req);
}

Response Api::UnsubscribeLink(const Call& call) {
  std::string for_purpose;
  for (auto param : call.target.params(boost::urls::encoding_opts{}))
    if (param.key == "purpose") for_purpose = param.value;
  auto token =
      d_.marketing.UnsubscribeToken(*call.actor, std::string(call.params.Get("id")), for_purpose);
  if (!token) return Problem(call.req, token.error());
  std::string url = d_.unsubscribe_base + "/v1/unsubscribe/" + call.actor->tenant + "/" + *token;
  return Json(200,
              json::object{{"url", url},
                           {"headers",
                            json::object{{"List-Unsubscribe", "<" + url + ">"},
                                         {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}}}},
              call.req);
}

}  // namespace konfid::http
