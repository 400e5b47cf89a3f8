// Data-subject requests for staff: the queue, filing on a subject's behalf, moving a request
// through its states, the access reply, and blocks.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/reply_json.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// ?state=&kind=&overdue=true|false&without_term=true|false&after=&limit=1..500; anything
// else is refused.
Result<app::RequestQuery> ParseQueueQuery(const boost::urls::url_view& target) {
  app::RequestQuery q;
  for (auto p : target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    bool ok = true;
    if (key == "state") {
      q.state = domain::ParseRequestState(value);
      ok = q.state.has_value();
    } else if (key == "kind") {
      q.kind = domain::ParseRequestKind(value);
      ok = q.kind.has_value();
    } else if (key == "overdue") {
      ok = value == "true" || value == "false";
      q.overdue_only = value == "true";
    } else if (key == "without_term") {
      ok = value == "true" || value == "false";
      q.without_term_only = value == "true";
    } else if (key == "after") {
      q.after = value;
      ok = app::Kernel::IsValidId(value);
    } else if (key == "limit") {
      auto limit = ParseLimit(value, 500);
      ok = limit.has_value();
      q.limit = limit.value_or(0);
    } else {
      ok = false;
    }
    if (!ok)
      return Fail(
          Invalid("the queue takes state, kind, overdue=true|false, without_term=true|false, "
                  "after (a request id) and limit (1-500); '" +
                      key.substr(0, 32) + "' is not one of them or is malformed",
                  "invalid_query"));
  }
  return q;
}

// ?format=json|html&lang=ru|en for the access reply (lang: else Accept-Language, else ru).
struct ReplyFormat {
  bool html = false;
  text::Lang lang = text::Lang::kRu;
};

Result<ReplyFormat> ParseReplyFormat(const Call& call) {
  ReplyFormat f;
  if (auto lang = AcceptedLang(call.req[beast_http::field::accept_language])) f.lang = *lang;
  for (auto p : call.target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    if (key == "format" && (value == "json" || value == "html")) {
      f.html = value == "html";
    } else if (key == "lang" && text::ParseLang(value)) {
      f.lang = *text::ParseLang(value);
    } else {
      return Fail(
          Invalid("the access reply takes format=json|html and lang=ru|en", "invalid_query"));
    }
  }
  return f;
}

Response BlockedReply(const Call& call, const std::string& subject,
                      const Result<domain::Blocked>& blocked) {
  if (!blocked) return Problem(call.req, blocked.error());
  json::array names;
  for (const auto& f : blocked->fields) names.emplace_back(f);
  return Json(
      200, json::object{{"subject", subject}, {"all", blocked->all}, {"fields", std::move(names)}},
      call.req);
}

}  // namespace

Response Api::RequestQueue(const Call& call) {
  auto query = ParseQueueQuery(call.target);
  if (!query) return Problem(call.req, query.error());
  auto page = Await<app::RequestPage>(
      [&](auto cb) { d_.requests.Queue(*call.actor, *query, std::move(cb)); }, call.yield);
  if (!page) return Problem(call.req, page.error());
  json::array items;
  for (const auto& r : page->requests) items.push_back(RequestJson(r));
  json::object body{{"requests", std::move(items)}};
  body["next"] = page->next.empty() ? json::value(nullptr) : json::value(page->next);
  return Json(200, body, call.req);
}

Response Api::FileRequest(const Call& call) {
  auto input = ParseRequestBody(call.req, /*staff=*/true);
  if (!input) return Problem(call.req, input.error());
  auto r = Await<app::RequestView>(
      [&](auto cb) { d_.requests.File(*call.actor, std::move(*input), std::move(cb)); },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  Response res = Json(201, RequestJson(*r), call.req);
  res.set(beast_http::field::location, "/v1/requests/" + r->id);
  return res;
}

Response Api::GetRequest(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<app::RequestView>(
      [&](auto cb) { d_.requests.Get(*call.actor, id, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(200, RequestJson(*r), call.req);
}

Response Api::MoveRequest(const Call& call) {
  auto move = ParseMoveBody(call.req);
  if (!move) return Problem(call.req, move.error());
  std::string id(call.params.Get("id"));
  auto r = Await<app::RequestView>(
      [&](auto cb) { d_.requests.Move(*call.actor, id, std::move(*move), std::move(cb)); },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(200, RequestJson(*r), call.req);
}

Response Api::ReplyResponse(const Call& call, const Result<app::AccessReply>& reply, bool html,
                            text::Lang lang) {
  if (!reply) return Problem(call.req, reply.error());
  if (!html) return Json(200, AccessReplyJson(*reply), call.req);
  Response res =
      HtmlPage(200, text::RenderAccessReply(*reply->policy, AccessFactsOf(*reply), lang), call.req);
  res.set(beast_http::field::content_disposition,
          "attachment; filename=\"access-reply-" + reply->subject + "." +
              std::string(text::LangName(lang)) + ".html\"");
  return res;
}

Response Api::AccessReply(const Call& call) {
  auto format = ParseReplyFormat(call);
  if (!format) return Problem(call.req, format.error());
  std::string id(call.params.Get("id"));
  auto r = Await<app::AccessReply>(
      [&](auto cb) { d_.access_replies.ForStaff(*call.actor, id, std::move(cb)); }, call.yield);
  return ReplyResponse(call, r, format->html, format->lang);
}

Response Api::Block(const Call& call) {
  auto fields = ParseBlocksBody(call.req);
  if (!fields) return Problem(call.req, fields.error());
  std::string id(call.params.Get("id"));
  auto r = Await<domain::Blocked>(
      [&](auto cb) { d_.blocks.Block(*call.actor, id, std::move(*fields), std::move(cb)); },
      call.yield);
  return BlockedReply(call, id, r);
}

Response Api::Unblock(const Call& call) {
  auto fields = ParseBlocksBody(call.req);
  if (!fields) return Problem(call.req, fields.error());
  std::string id(call.params.Get("id"));
  auto r = Await<domain::Blocked>(
      [&](auto cb) { d_.blocks.Unblock(*call.actor, id, std::move(*fields), std::move(cb)); },
      call.yield);
  return BlockedReply(call, id, r);
}

}  // namespace konfid::http
