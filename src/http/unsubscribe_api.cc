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

namespace {

// The page of the link, in its language: ?lang=, else the browser's, else the tenant's
// jurisdiction's.
struct LinkPage {
  text::Lang lang;
  text::UnsubscribePage page;
};

LinkPage PageOf(const Call& call, const domain::TenantPolicy* policy) {
  std::optional<text::Lang> lang;
  for (auto param : call.target.params(boost::urls::encoding_opts{}))
    if (param.key == "lang") lang = text::ParseLang(param.value);
  if (!lang) lang = AcceptedLang(call.req[beast_http::field::accept_language]);
  if (!lang)
    lang = policy && policy->jurisdiction != "ru-152fz" ? text::Lang::kEn : text::Lang::kRu;
  LinkPage out{*lang, {}};
  out.page.action = "/v1/unsubscribe/" + std::string(call.params.Get("tenant")) + "/" +
                    std::string(call.params.Get("token")) +
                    "?lang=" + std::string(text::LangName(*lang));
  if (policy) {
    out.page.operator_name =
        *lang == text::Lang::kEn ? policy->op.legal_name.en : policy->op.legal_name.ru;
    out.page.policy_url = policy->publication.url;
  }
  return out;
}

}  // namespace

// GET changes nothing: mail scanners open links.
Response Api::UnsubscribePage(const Call& call) {
  auto policy = d_.policies.Policy(std::string(call.params.Get("tenant")));
  LinkPage link = PageOf(call, policy.get());
  return HtmlPage(200, text::RenderUnsubscribePage(link.page, link.lang), call.req);
}

Response Api::Unsubscribe(const Call& call) {
  std::string tenant(call.params.Get("tenant")), token(call.params.Get("token"));
  LinkPage link = PageOf(call, d_.policies.Policy(tenant).get());
  auto r = Await<bool>([&](auto cb) { d_.marketing.Unsubscribe(tenant, token, std::move(cb)); },
                       call.yield);
  // A browser (the page's button) gets a page; a mail client's one-click POST gets JSON.
  bool browser = call.req[beast_http::field::accept].find("text/html") != std::string_view::npos;
  if (browser && (r || r.error().reason() == "invalid_token")) {
    link.page.state =
        r ? text::UnsubscribePage::State::kDone : text::UnsubscribePage::State::kInvalid;
    return HtmlPage(r ? 200 : 400, text::RenderUnsubscribePage(link.page, link.lang), call.req);
  }
  if (!r) return Problem(call.req, r.error());
  return Json(200, json::object{{"unsubscribed", true}, {"changed", *r}}, call.req);
}

}  // namespace konfid::http
