// /v1/policy: the published texts and versions (public; a key, if sent, names the tenant)
// and publishing a version (an admin key). The work is app::PolicyAdmin's; these parse the
// query and negotiate the text's language and format.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "http/api.h"
#include "http/json_body.h"
#include "http/respond.h"
#include "text/policy_text.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object VersionJson(const ports::PolicyVersionRow& v, int64_t in_force) {
  json::array changes;
  for (size_t pos = 0; pos < v.changes.size();) {
    size_t nl = v.changes.find('\n', pos);
    if (nl == std::string::npos) nl = v.changes.size();
    if (nl > pos) changes.emplace_back(v.changes.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return json::object{{"version", v.version},
                      {"effective_at", FormatRfc3339(v.effective_at)},
                      {"published_at", FormatRfc3339(v.published_at)},
                      {"text_hash", v.text_hash},
                      {"material", v.material},
                      {"changes", std::move(changes)},
                      {"in_force", v.version == in_force}};
}

using Query = std::map<std::string, std::string>;

// The query of every /v1/policy route: one set of known parameters, each route reading its own.
Result<Query> ParsePolicyQuery(const boost::urls::url_view& target) {
  static const std::set<std::string> kKnown = {"tenant",  "lang",      "format",      "document",
                                               "version", "effective", "short_notice"};
  Query query;
  for (auto param : target.params(boost::urls::encoding_opts{})) {
    if (!kKnown.contains(param.key))
      return Fail(
          Invalid("unknown query parameter '" + param.key.substr(0, 32) + "'", "invalid_query"));
    query[param.key] = param.value;
  }
  return query;
}

std::string Get(const Query& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? "" : it->second;
}

std::optional<std::string> Named(const Query& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

// A positive number of at most nine digits, else 0.
int64_t VersionNumber(std::string_view n) {
  int64_t version = 0;
  if (n.size() > 9) return 0;
  for (char c : n) {
    if (c < '0' || c > '9') return 0;
    version = version * 10 + (c - '0');
  }
  return version;
}

struct TextChoice {
  text::Lang lang;
  text::Format format;
  int64_t version;
};

// ?lang=, else Accept-Language, else the jurisdiction's; ?format=, else Accept; ?version=,
// else the one in force.
Result<TextChoice> ChooseText(const Request& req, const Query& query,
                              const app::PolicyTenant& tenant) {
  TextChoice c{
      tenant.active->policy->jurisdiction == "ru-152fz" ? text::Lang::kRu : text::Lang::kEn,
      text::Format::kMarkdown, tenant.active->version};
  if (query.contains("lang")) {
    auto l = text::ParseLang(Get(query, "lang"));
    if (!l) return Fail(Invalid("lang must be ru or en", "invalid_query"));
    c.lang = *l;
  } else if (auto l = AcceptedLang(req[beast_http::field::accept_language])) {
    c.lang = *l;
  }
  if (req[beast_http::field::accept].find("text/html") != std::string_view::npos)
    c.format = text::Format::kHtml;
  if (query.contains("format")) {
    auto f = text::ParseFormat(Get(query, "format"));
    if (!f) return Fail(Invalid("format must be html or md", "invalid_query"));
    c.format = *f;
  }
  if (query.contains("version")) {
    const std::string v = Get(query, "version");
    try {
      size_t used = 0;
      c.version = std::stoll(v, &used);
      if (used != v.size() || c.version < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      return Fail(Invalid("version must be a positive integer", "invalid_query"));
    }
  }
  return c;
}

}  // namespace

Response Api::PolicyText(const Call& call) {
  auto query = ParsePolicyQuery(call.target);
  if (!query) return Problem(call.req, query.error());
  auto tenant = d_.policy_admin.Resolve(Named(*query, "tenant"), call.actor);
  if (!tenant) return Problem(call.req, tenant.error());
  auto choice = ChooseText(call.req, *query, *tenant);
  if (!choice) return Problem(call.req, choice.error());
  std::string document = query->contains("document") ? Get(*query, "document") : "policy";
  auto body = d_.policy_admin.Text(*tenant, choice->version, document, text::LangName(choice->lang),
                                   text::FormatName(choice->format));
  if (!body) return Problem(call.req, body.error());
  Response res = Text(200, std::move(*body), text::MediaType(choice->format), call.req);
  res.set(beast_http::field::content_language, text::LangName(choice->lang));
  res.set(beast_http::field::cache_control, "no-cache");
  res.set("Konfid-Policy-Version", std::to_string(choice->version));
  res.set(beast_http::field::vary, "Accept, Accept-Language");
  return res;
}

Response Api::PolicyVersions(const Call& call) {
  auto query = ParsePolicyQuery(call.target);
  if (!query) return Problem(call.req, query.error());
  auto tenant = d_.policy_admin.Resolve(Named(*query, "tenant"), call.actor);
  if (!tenant) return Problem(call.req, tenant.error());
  auto versions = d_.policy_admin.Versions(*tenant);
  if (!versions) return Problem(call.req, versions.error());
  json::array out;
  for (const auto& v : *versions) out.push_back(VersionJson(v, tenant->active->version));
  return Json(200, json::object{{"tenant", tenant->id}, {"versions", std::move(out)}}, call.req);
}

Response Api::PublishPolicy(const Call& call) {
  auto query = ParsePolicyQuery(call.target);
  if (!query) return Problem(call.req, query.error());
  auto tenant = d_.policy_admin.Resolve(Named(*query, "tenant"), call.actor);
  if (!tenant) return Problem(call.req, tenant.error());
  auto type = call.req[beast_http::field::content_type];
  if (!IsMediaType(type, "application/toml") && !IsMediaType(type, "text/plain"))
    return Problem(call.req, Error(ErrorCode::kInvalidArgument,
                                   "send the policy file as Content-Type: application/toml")
                                 .WithReason("unsupported_media_type"));
  std::optional<UnixMicros> effective;
  if (query->contains("effective")) {
    effective = ParseRfc3339(Get(*query, "effective"));
    if (!effective)
      return Problem(call.req, Invalid("effective must be an RFC 3339 time", "invalid_query"));
  }
  std::string short_notice = Get(*query, "short_notice");
  if (query->contains("short_notice") && short_notice != "true" && short_notice != "false")
    return Problem(call.req, Invalid("short_notice must be true or false", "invalid_query"));
  auto published = d_.policy_admin.Publish(*call.actor, *tenant, call.req.body(), effective,
                                           short_notice == "true");
  if (!published) return Problem(call.req, published.error());
  Response res = Json(201, VersionJson(published->row, published->in_force), call.req);
  res.set(beast_http::field::location,
          "/v1/policy/versions/" + std::to_string(published->row.version));
  return res;
}

Response Api::PolicyVersion(const Call& call) {
  auto query = ParsePolicyQuery(call.target);
  if (!query) return Problem(call.req, query.error());
  auto tenant = d_.policy_admin.Resolve(Named(*query, "tenant"), call.actor);
  if (!tenant) return Problem(call.req, tenant.error());
  int64_t version = VersionNumber(call.params.Get("n"));
  if (version < 1)
    return Problem(call.req,
                   Error(ErrorCode::kNotFound, "no such version").WithReason("not_found"));
  auto detail = d_.policy_admin.Version(*tenant, version);
  if (!detail) return Problem(call.req, detail.error());
  json::object out = VersionJson(detail->row, tenant->active->version);
  out["source"] = detail->row.source;
  json::array documents;
  for (const auto& doc : detail->documents) documents.emplace_back(doc);
  out["documents"] = std::move(documents);
  return Json(200, out, call.req);
}

}  // namespace konfid::http
