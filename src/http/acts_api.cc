// The acts of destruction for staff (docs/retention.md, "Acts of destruction"): the list, and
// one act as JSON, as the signed JWS itself, or as a document to print.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "core/time.h"
#include "http/act_json.h"
#include "http/api.h"
#include "http/respond.h"
#include "text/destruction_act.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

constexpr size_t kMaxListed = 200;

// ?subject=&after=&limit=1..200; anything else is refused.
Result<ports::DestructionActFilter> ParseActsQuery(const boost::urls::url_view& target) {
  ports::DestructionActFilter f;
  for (auto p : target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    bool ok = true;
    if (key == "subject") {
      f.subject = value;
      ok = app::Kernel::IsValidId(value);
    } else if (key == "after") {
      f.after = value;
      ok = app::Kernel::IsValidId(value);
    } else if (key == "limit") {
      auto limit = ParseLimit(value, kMaxListed);
      ok = limit.has_value();
      f.limit = limit.value_or(0);
    } else {
      ok = false;
    }
    if (!ok)
      return Fail(Invalid("the list takes subject (an id), after (an act id) and limit (1-200); '" +
                              key.substr(0, 32) + "' is not one of them or is malformed",
                          "invalid_query"));
  }
  return f;
}

// ?format=json|jws|html&lang=ru|en (lang: else Accept-Language, else ru).
struct ActFormat {
  std::string format = "json";
  text::Lang lang = text::Lang::kRu;
};

Result<ActFormat> ParseActFormat(const Call& call) {
  ActFormat f;
  if (auto lang = AcceptedLang(call.req[beast_http::field::accept_language])) f.lang = *lang;
  for (auto p : call.target.params(boost::urls::encoding_opts{})) {
    std::string key = p.key, value = p.value;
    if (key == "format" && (value == "json" || value == "jws" || value == "html")) {
      f.format = value;
    } else if (key == "lang" && text::ParseLang(value)) {
      f.lang = *text::ParseLang(value);
    } else {
      return Fail(Invalid("an act takes format=json|jws|html and lang=ru|en", "invalid_query"));
    }
  }
  return f;
}

// An act as the API shows it: its id, subject and time, and its verified claims.
Result<json::object> ActJson(const app::DestructionActs& acts,
                             const ports::DestructionActRow& row) {
  KONFID_ASSIGN_OR_RETURN(std::string claims, acts.Claims(row));
  return json::object{{"id", row.id},
                      {"subject", row.subject},
                      {"destroyed_at", FormatRfc3339(row.destroyed_at)},
                      {"act", json::parse(claims)}};
}

}  // namespace

Response Api::ActList(const Call& call) {
  auto filter = ParseActsQuery(call.target);
  if (!filter) return Problem(call.req, filter.error());
  size_t limit = filter->limit;
  auto list = Await<std::vector<ports::DestructionActRow>>(
      [&](auto cb) { d_.acts.List(*call.actor, *filter, std::move(cb)); }, call.yield);
  if (!list) return Problem(call.req, list.error());
  json::array items;
  for (const auto& row : *list) {
    auto item = ActJson(d_.acts, row);
    if (!item) return Problem(call.req, item.error());
    items.push_back(std::move(*item));
  }
  json::object body{{"acts", std::move(items)}};
  body["next"] =
      list->size() == limit && !list->empty() ? json::value(list->back().id) : json::value(nullptr);
  return Json(200, body, call.req);
}

Response Api::GetAct(const Call& call) {
  auto format = ParseActFormat(call);
  if (!format) return Problem(call.req, format.error());
  std::string id(call.params.Get("id"));
  auto row = Await<ports::DestructionActRow>(
      [&](auto cb) { d_.acts.Find(*call.actor, id, std::move(cb)); }, call.yield);
  if (!row) return Problem(call.req, row.error());
  if (format->format == "jws") {
    if (auto claims = d_.acts.Claims(*row); !claims) return Problem(call.req, claims.error());
    return Text(200, row->jws, "application/jose", call.req);
  }
  if (format->format == "json") {
    auto item = ActJson(d_.acts, *row);
    if (!item) return Problem(call.req, item.error());
    (*item)["jws"] = row->jws;
    return Json(200, *item, call.req);
  }
  auto claims = d_.acts.Claims(*row);
  if (!claims) return Problem(call.req, claims.error());
  auto act = ParseDestructionActClaims(*claims);
  if (!act)
    return Problem(call.req, Error(ErrorCode::kDataLoss, "internal error",
                                   "act " + id + ": " + act.error().message()));
  Response res = HtmlPage(200, text::RenderDestructionAct(*act, format->lang), call.req);
  res.set(beast_http::field::content_disposition,
          "attachment; filename=\"destruction-act-" + id + "." +
              std::string(text::LangName(format->lang)) + ".html\"");
  return res;
}

}  // namespace konfid::http
