// /v1/policy: the published texts (public, no key needed) and the versions; publishing a
// version needs an admin key of the tenant.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <set>

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

}  // namespace

Response Api::PolicyRoute(const Request& req, const std::string& path,
                          const boost::urls::url_view& target, std::string& route) {
  auto problem = [&](const Error& e) { return Problem(e, req.version(), req.keep_alive()); };
  auto method = req.method();
  std::map<std::string, std::string> query;
  for (auto param : target.params(boost::urls::encoding_opts{})) {
    static const std::set<std::string> kKnown = {"tenant",  "lang",      "format",      "document",
                                                 "version", "effective", "short_notice"};
    if (!kKnown.contains(param.key))
      return problem(
          Invalid("unknown query parameter '" + param.key.substr(0, 32) + "'", "invalid_query"));
    query[param.key] = param.value;
  }

  // Which tenant: ?tenant=, else the API key's, else the only one this server serves.
  std::optional<app::Actor> actor;
  auto auth = req[beast_http::field::authorization];
  if (!auth.empty()) {
    if (!auth.starts_with("Bearer "))
      return problem(Error(ErrorCode::kUnauthenticated, "use Authorization: Bearer <key>")
                         .WithReason("missing_api_key"));
    auto a = d_.keys.Authenticate(std::string_view(auth.data() + 7, auth.size() - 7));
    if (!a) return problem(a.error());
    actor = std::move(*a);
  }
  if (method == beast_http::verb::post && !actor)
    return problem(Error(ErrorCode::kUnauthenticated,
                         "publishing needs an admin API key: Authorization: Bearer <key>")
                       .WithReason("missing_api_key"));
  std::string tenant = query.contains("tenant") ? query["tenant"] : actor ? actor->tenant : "";
  if (tenant.empty()) {
    auto tenants = d_.policies.Tenants();
    if (tenants.size() != 1)
      return problem(Invalid("name the tenant: ?tenant=<id>", "tenant_required"));
    tenant = tenants[0];
  }
  auto active = d_.policies.Current(tenant);
  if (!active)
    return problem(Error(ErrorCode::kNotFound, "no such tenant on this server")
                       .WithReason("tenant_not_configured"));

  if (path == "/v1/policy") {
    route = "/v1/policy";
    if (method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
    text::Lang lang =
        active->policy->jurisdiction == "ru-152fz" ? text::Lang::kRu : text::Lang::kEn;
    if (query.contains("lang")) {
      auto l = text::ParseLang(query["lang"]);
      if (!l) return problem(Invalid("lang must be ru or en", "invalid_query"));
      lang = *l;
    } else if (auto l = AcceptedLang(req[beast_http::field::accept_language])) {
      lang = *l;
    }
    auto accept = req[beast_http::field::accept];
    text::Format format = accept.find("text/html") != std::string_view::npos
                              ? text::Format::kHtml
                              : text::Format::kMarkdown;
    if (query.contains("format")) {
      auto f = text::ParseFormat(query["format"]);
      if (!f) return problem(Invalid("format must be html or md", "invalid_query"));
      format = *f;
    }
    int64_t version = active->version;
    if (query.contains("version")) {
      try {
        size_t used = 0;
        version = std::stoll(query["version"], &used);
        if (used != query["version"].size() || version < 1) throw std::invalid_argument("");
      } catch (const std::exception&) {
        return problem(Invalid("version must be a positive integer", "invalid_query"));
      }
    }
    std::string document = query.contains("document") ? query["document"] : "policy";
    auto txn = d_.storage.Begin(false);
    if (!txn) return problem(txn.error());
    auto body = (*txn)->FindPolicyText(tenant, version, document, std::string(text::LangName(lang)),
                                       std::string(text::FormatName(format)));
    if (!body) return problem(body.error());
    if (!*body)
      return problem(
          Error(ErrorCode::kNotFound, "no such version or document").WithReason("not_found"));
    Response res = Text(200, std::move(**body), text::MediaType(format), req);
    res.set(beast_http::field::content_language, text::LangName(lang));
    res.set(beast_http::field::cache_control, "no-cache");
    res.set("Konfid-Policy-Version", std::to_string(version));
    res.set(beast_http::field::vary, "Accept, Accept-Language");
    return res;
  }

  if (path == "/v1/policy/versions") {
    route = "/v1/policy/versions";
    if (method == beast_http::verb::get) {
      auto txn = d_.storage.Begin(false);
      if (!txn) return problem(txn.error());
      auto versions = (*txn)->ListPolicyVersions(tenant);
      if (!versions) return problem(versions.error());
      json::array out;
      for (const auto& v : *versions) out.push_back(VersionJson(v, active->version));
      return Json(200, json::object{{"tenant", tenant}, {"versions", std::move(out)}}, req);
    }
    if (method != beast_http::verb::post) return MethodNotAllowed(req, "GET, POST");
    if (actor->role != app::Role::kAdmin)
      return problem(Error(ErrorCode::kPermissionDenied, "only an admin key may publish the policy")
                         .WithReason("role"));
    auto type = req[beast_http::field::content_type];
    if (!IsMediaType(type, "application/toml") && !IsMediaType(type, "text/plain"))
      return problem(Error(ErrorCode::kInvalidArgument,
                           "send the policy file as Content-Type: application/toml")
                         .WithReason("unsupported_media_type"));
    auto policy = d_.policy_reader.Read(req.body(), "policy");
    if (!policy)
      return problem(Error(ErrorCode::kInvalidArgument, policy.error().message())
                         .WithReason("invalid_policy"));
    if (policy->tenant != actor->tenant || policy->tenant != tenant)
      return problem(
          Error(ErrorCode::kPermissionDenied, "the policy is for tenant '" + policy->tenant +
                                                  "'; this key belongs to '" + actor->tenant + "'")
              .WithReason("wrong_tenant"));
    UnixMicros effective = d_.clock.Now();
    if (query.contains("effective")) {
      auto t = ParseRfc3339(query["effective"]);
      if (!t) return problem(Invalid("effective must be an RFC 3339 time", "invalid_query"));
      effective = *t;
    }
    bool short_notice = false;
    if (query.contains("short_notice")) {
      if (query["short_notice"] != "true" && query["short_notice"] != "false")
        return problem(Invalid("short_notice must be true or false", "invalid_query"));
      short_notice = query["short_notice"] == "true";
    }
    auto row = d_.policies.Publish(*policy, effective, short_notice, actor->id);
    if (!row) return problem(row.error());
    auto now_active = d_.policies.Current(tenant);
    Response res = Json(201, VersionJson(*row, now_active ? now_active->version : 0), req);
    res.set(beast_http::field::location, "/v1/policy/versions/" + std::to_string(row->version));
    return res;
  }

  if (path.starts_with("/v1/policy/versions/")) {
    route = "/v1/policy/versions/{n}";
    if (method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
    std::string n = path.substr(20);
    int64_t version = 0;
    for (char c : n) {
      if (c < '0' || c > '9' || n.size() > 9) {
        version = 0;
        break;
      }
      version = version * 10 + (c - '0');
    }
    if (version < 1)
      return problem(Error(ErrorCode::kNotFound, "no such version").WithReason("not_found"));
    auto txn = d_.storage.Begin(false);
    if (!txn) return problem(txn.error());
    auto row = (*txn)->FindPolicyVersion(tenant, version);
    if (!row) return problem(row.error());
    if (!*row)
      return problem(Error(ErrorCode::kNotFound, "no such version").WithReason("not_found"));
    json::object out = VersionJson(**row, active->version);
    out["source"] = (*row)->source;
    auto parsed = d_.policy_reader.Read((*row)->source, "version " + n);
    json::array documents;
    if (parsed)
      for (const auto& doc : text::DocumentNames(*parsed)) documents.emplace_back(doc);
    out["documents"] = std::move(documents);
    return Json(200, out, req);
  }
  return problem(Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
}

}  // namespace konfid::http
