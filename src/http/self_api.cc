// A visitor's own routes: a one-time code, the self session it opens, and, in that session,
// the data held about them, the access reply, and their requests.
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/reply_json.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// Suspends the coroutine for `wait`, without holding its thread; nothing when it is not positive.
void Pause(Yield& yield, std::chrono::microseconds wait) {
  if (wait.count() <= 0) return;
  boost::asio::steady_timer timer(yield.get_executor());
  timer.expires_after(wait);
  boost::system::error_code ignored;  // a cancelled wait only answers sooner
  timer.async_wait(yield[ignored]);
}

}  // namespace

Response Api::SendCode(const Call& call) {
  const int64_t start = d_.clock.MonotonicMicros();
  auto body = ParseCodeBody(call.req);
  if (!body) return Problem(call.req, body.error());
  auto r = Await<app::CodeChallenge>(
      [&](auto cb) {
        d_.self_identity.SendCode(body->tenant, body->channel, body->address, std::move(cb));
      },
      call.yield);
  // Known or not, the answer takes the same time.
  Pause(call.yield,
        d_.code_answer_floor - std::chrono::microseconds(d_.clock.MonotonicMicros() - start));
  if (!r) return Problem(call.req, r.error());
  // The same answer whether or not the address is known (app/self_identity.h).
  return Json(202, json::object{{"challenge", r->id}, {"expires_at", FormatRfc3339(r->expires_at)}},
              call.req);
}

Response Api::OpenSession(const Call& call) {
  auto body = ParseSessionBody(call.req);
  if (!body) return Problem(call.req, body.error());
  auto r = Await<app::SelfSessionGrant>(
      [&](auto cb) {
        d_.self_identity.OpenSession(body->tenant, body->challenge, body->code, std::move(cb));
      },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(201,
              json::object{{"session", r->token}, {"expires_at", FormatRfc3339(r->expires_at)}},
              call.req);
}

Response Api::CloseSession(const Call& call) {
  auto r = Await<void>([&](auto cb) { d_.self_identity.CloseSession(call.session, std::move(cb)); },
                       call.yield);
  if (!r) return Problem(call.req, r.error());
  return NoContent(call.req);
}

Response Api::SelfData(const Call& call) {
  if (!call.target.params().empty())
    return Problem(call.req, Invalid("/v1/self takes no parameters", "invalid_query"));
  auto r = Await<app::AccessReply>(
      [&](auto cb) { d_.self_service.Reply(call.session, std::move(cb)); }, call.yield);
  return ReplyResponse(call, r, false, text::Lang::kRu);
}

Response Api::SelfAccessReply(const Call& call) {
  text::Lang lang =
      AcceptedLang(call.req[beast_http::field::accept_language]).value_or(text::Lang::kRu);
  for (auto p : call.target.params(boost::urls::encoding_opts{})) {
    auto parsed = p.key == "lang" ? text::ParseLang(p.value) : std::nullopt;
    if (!parsed)
      return Problem(call.req, Invalid("the access reply takes lang=ru|en", "invalid_query"));
    lang = *parsed;
  }
  auto r = Await<app::AccessReply>(
      [&](auto cb) { d_.self_service.Reply(call.session, std::move(cb)); }, call.yield);
  return ReplyResponse(call, r, true, lang);
}

Response Api::SelfRequests(const Call& call) {
  auto r = Await<std::vector<app::RequestView>>(
      [&](auto cb) { d_.self_service.ListRequests(call.session, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array items;
  for (const auto& v : *r) items.push_back(RequestJson(v));
  return Json(200, json::object{{"requests", std::move(items)}}, call.req);
}

Response Api::SelfFileRequest(const Call& call) {
  auto input = ParseRequestBody(call.req, /*staff=*/false);
  if (!input) return Problem(call.req, input.error());
  auto r = Await<app::RequestView>(
      [&](auto cb) { d_.self_service.File(call.session, std::move(*input), std::move(cb)); },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  Response res = Json(201, RequestJson(*r), call.req);
  res.set(beast_http::field::location, "/v1/self/requests/" + r->id);
  return res;
}

Response Api::SelfRequest(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<app::RequestView>(
      [&](auto cb) { d_.self_service.GetRequest(call.session, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(200, RequestJson(*r), call.req);
}

}  // namespace konfid::http
