// /v1/renewals/{tenant}/{token}: the link of a policy-change notice. GET shows the new
// consent texts and a form with nothing pre-selected; POST records the decision, from that
// form (application/x-www-form-urlencoded: version, lang, consent.<purpose>=yes|no) or as
// JSON ({"version": n, "decisions": {"<purpose>": true|false}}).
#include <set>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/api.h"
#include "http/bodies.h"
#include "http/json_body.h"
#include "http/respond.h"
#include "text/policy_text.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

using Decision = RenewalDecision;

Result<int64_t> ParseVersion(std::string_view text) {
  int64_t v = 0;
  if (text.empty() || text.size() > 12)
    return Fail(Invalid("version must be a number", "invalid_value"));
  for (char c : text) {
    if (c < '0' || c > '9') return Fail(Invalid("version must be a number", "invalid_value"));
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<Decision> ParseForm(const std::string& body) {
  std::string target = "/?" + body;  // the view below points into it
  auto query = boost::urls::parse_origin_form(target);
  if (!query) return Fail(Invalid("the form is not URL-encoded", "invalid_form"));
  Decision d;
  std::set<std::string> seen;
  for (auto p : query->params(boost::urls::encoding_opts{true}))
    if (!seen.insert(p.key).second) {  // one answer a field, as in JSON bodies
      return Fail(
          Invalid("the form field '" + std::string(p.key).substr(0, 64) + "' is given twice",
                  "duplicate_field"));
    } else if (p.key == "version") {
      KONFID_ASSIGN_OR_RETURN(d.version, ParseVersion(p.value));
    } else if (p.key == "lang") {
      d.lang = p.value == "en" ? "en" : "ru";
    } else if (p.key.starts_with("consent.") && (p.value == "yes" || p.value == "no")) {
      d.decisions[p.key.substr(8)] = p.value == "yes";
    } else {
      return Fail(Invalid("unknown form field '" + std::string(p.key).substr(0, 64) + "'",
                          "unknown_field"));
    }
  return d;
}

Result<Decision> ParseJson(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"version", "decisions"}, "the body"));
  Decision d;
  const json::value* v = root.if_contains("version");
  if (!v || !v->is_int64() || v->get_int64() < 1)
    return Fail(Invalid("'version' must be the version the page showed", "invalid_value"));
  d.version = v->get_int64();
  const json::value* m = root.if_contains("decisions");
  if (!m || !m->is_object())
    return Fail(Invalid("'decisions' must map each purpose to true or false", "invalid_value"));
  for (const auto& kv : m->get_object()) {
    if (!kv.value().is_bool())
      return Fail(Invalid("'decisions' must map each purpose to true or false", "invalid_value"));
    d.decisions[std::string(kv.key())] = kv.value().get_bool();
  }
  return d;
}

Response Page(unsigned status, const text::RenewalPage& page, const std::string& lang,
              const Request& req) {
  return HtmlPage(
      status, text::RenderRenewalPage(page, lang == "en" ? text::Lang::kEn : text::Lang::kRu), req);
}

}  // namespace

Result<RenewalDecision> ParseRenewalDecision(const Request& req) {
  if (IsMediaType(req[beast_http::field::content_type], "application/x-www-form-urlencoded"))
    return ParseForm(req.body());
  return ParseJson(req);
}

// The link's path, the form's action: "/v1/renewals/{tenant}/{token}".
static std::string RenewalPath(const Call& call) {
  return "/v1/renewals/" + std::string(call.params.Get("tenant")) + "/" +
         std::string(call.params.Get("token"));
}

Response Api::RenewalPage(const Call& call) {
  std::string tenant(call.params.Get("tenant")), token(call.params.Get("token"));
  text::RenewalPage page;
  page.action = RenewalPath(call);
  if (auto policy = d_.policies.Policy(tenant)) page.policy_url = policy->publication.url;
  auto r = Await<app::RenewalRequest>(
      [&](auto cb) { d_.policy_notices.Renewal(tenant, token, std::move(cb)); }, call.yield);
  if (!r) {
    page.state = text::RenewalPage::State::kInvalid;
    return Page(400, page, "ru", call.req);
  }
  page.operator_name = r->lang == "en" ? r->policy->op.legal_name.en : r->policy->op.legal_name.ru;
  page.version = r->version;
  for (auto& [id, text] : r->purposes) page.purposes.push_back({id, "", std::move(text)});
  return Page(200, page, r->lang, call.req);
}

Response Api::Renew(const Call& call) {
  const Request& req = call.req;
  std::string tenant(call.params.Get("tenant")), token(call.params.Get("token"));
  auto policy = d_.policies.Policy(tenant);
  bool form =
      IsMediaType(req[beast_http::field::content_type], "application/x-www-form-urlencoded");
  auto decision = ParseRenewalDecision(req);
  if (!decision) return Problem(req, decision.error());
  auto r = Await<std::vector<domain::ConsentEvent>>(
      [&](auto cb) {
        d_.policy_notices.Renew(tenant, token, decision->version, decision->decisions,
                                std::move(cb));
      },
      call.yield);
  if (!form) {
    if (!r) return Problem(req, r.error());
    json::array events;
    for (const auto& e : *r) events.push_back(ConsentEventJson(e));
    return Json(200, json::object{{"events", std::move(events)}}, req);
  }
  if (!r && r.error().reason() == "policy_changed") {  // show the page of the new version
    Response res = Text(303, "", "text/plain", req);
    res.set(beast_http::field::location, RenewalPath(call));
    return res;
  }
  text::RenewalPage page;
  page.action = RenewalPath(call);
  if (policy) page.policy_url = policy->publication.url;
  page.state = r ? text::RenewalPage::State::kDone : text::RenewalPage::State::kInvalid;
  if (!r && r.error().reason() == "invalid_token") return Page(400, page, decision->lang, req);
  if (!r) return Problem(req, r.error());
  for (const auto& e : *r) {
    const domain::Purpose* p = policy ? policy->FindPurpose(e.purpose) : nullptr;
    std::string name = !p ? e.purpose : decision->lang == "en" ? p->name.en : p->name.ru;
    page.purposes.push_back({e.purpose, name, "", e.kind == domain::ConsentKind::kRenewed});
  }
  return Page(200, page, decision->lang, req);
}

}  // namespace konfid::http
