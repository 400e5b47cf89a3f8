// /v1/unsubscribe/{tenant}/{token}: the link of a marketing email (RFC 8058). A mail client's
// one-click POST withdraws the consent; a visitor who clicks the link gets a page (GET,
// which changes nothing: mail scanners open links) whose one button makes that same POST.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/respond.h"
#include "text/policy_text.h"

namespace konfid::http {

namespace json = boost::json;

Response Api::UnsubscribeRoute(const Request& req, const std::string& path,
                               const boost::urls::url_view& target, const std::string& client,
                               std::string& route, Yield yield) {
  route = "/v1/unsubscribe/{tenant}/{token}";
  auto method = req.method();
  if (method != beast_http::verb::get && method != beast_http::verb::post)
    return MethodNotAllowed(req, "GET, POST");
  std::string rest = path.substr(std::string_view("/v1/unsubscribe/").size());
  size_t slash = rest.find('/');
  std::string tenant = rest.substr(0, slash),
              token = slash == std::string::npos ? "" : rest.substr(slash + 1);

  // The page's language: ?lang=, else the browser's, else the tenant's jurisdiction's.
  auto policy = d_.vault.Policy(tenant);
  std::optional<text::Lang> lang;
  for (auto param : target.params(boost::urls::encoding_opts{}))
    if (param.key == "lang") lang = text::ParseLang(param.value);
  if (!lang) lang = AcceptedLang(req[beast_http::field::accept_language]);
  if (!lang)
    lang = policy && policy->jurisdiction != "ru-152fz" ? text::Lang::kEn : text::Lang::kRu;
  text::UnsubscribePage page;
  page.action = path + "?lang=" + std::string(text::LangName(*lang));
  if (policy) {
    page.operator_name =
        *lang == text::Lang::kEn ? policy->op.legal_name.en : policy->op.legal_name.ru;
    page.policy_url = policy->publication.url;
  }
  if (method == beast_http::verb::get)
    return HtmlPage(200, text::RenderUnsubscribePage(page, *lang), req);

  if (Limited(route, client))
    return Problem(Error(ErrorCode::kTooManyRequests, "too many attempts; try again later")
                       .WithReason("rate_limited"),
                   req.version(), req.keep_alive());
  auto r = Await<bool>([&](auto cb) { d_.vault.Unsubscribe(tenant, token, std::move(cb)); }, yield);
  // A browser (the page's button) gets a page; a mail client's one-click POST gets JSON.
  bool browser = req[beast_http::field::accept].find("text/html") != std::string_view::npos;
  if (browser && (r || r.error().reason() == "invalid_token")) {
    page.state = r ? text::UnsubscribePage::State::kDone : text::UnsubscribePage::State::kInvalid;
    return HtmlPage(r ? 200 : 400, text::RenderUnsubscribePage(page, *lang), req);
  }
  if (!r) return Problem(r.error(), req.version(), req.keep_alive());
  return Json(200, json::object{{"unsubscribed", true}, {"changed", *r}}, req);
}

}  // namespace konfid::http
