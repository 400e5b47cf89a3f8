// /v1/apikeys: a tenant's admin lists and revokes the tenant's API keys. Rare operations: they
// run their own short transactions on the HTTP thread, like publishing a policy.
#include <boost/json.hpp>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object ApiKeyJson(const app::ApiKeyInfo& k) {
  return json::object{{"id", k.key_id},
                      {"tenant", k.tenant},
                      {"role", k.role},
                      {"created_at", FormatRfc3339(k.created_at)},
                      {"revoked_at", k.revoked_at ? json::value(FormatRfc3339(k.revoked_at))
                                                  : json::value(nullptr)}};
}

}  // namespace

Response Api::AdminRoute(const Request& req, const std::string& path, std::string& route) {
  auto problem = [&](const Error& e) { return Problem(e, req.version(), req.keep_alive()); };
  auto method = req.method();
  bool collection = path == "/v1/apikeys";
  std::string key_id = collection ? "" : path.substr(12);  // after "/v1/apikeys/"
  if (!collection && (key_id.empty() || key_id.find('/') != std::string::npos))
    return problem(Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
  route = collection ? "/v1/apikeys" : "/v1/apikeys/{id}";
  if (collection && method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
  if (!collection && method != beast_http::verb::delete_) return MethodNotAllowed(req, "DELETE");

  auto auth = req[beast_http::field::authorization];
  if (!auth.starts_with("Bearer "))
    return problem(
        Error(ErrorCode::kUnauthenticated, "an API key is required: Authorization: Bearer <key>")
            .WithReason("missing_api_key"));
  auto actor = d_.keys.Authenticate(std::string_view(auth.data() + 7, auth.size() - 7));
  if (!actor) return problem(actor.error());
  if (!d_.vault.Policy(actor->tenant))
    return problem(Error(ErrorCode::kPermissionDenied,
                         "this API key's tenant is not configured on this server")
                       .WithReason("tenant_not_configured"));
  if (actor->role != app::Role::kAdmin)
    return problem(Error(ErrorCode::kPermissionDenied, "only an admin key may manage API keys")
                       .WithReason("role"));

  if (collection) {
    auto keys = d_.keys.List(actor->tenant);
    if (!keys) return problem(keys.error());
    json::array out;
    for (const auto& k : *keys) out.push_back(ApiKeyJson(k));
    return Json(200, json::object{{"tenant", actor->tenant}, {"keys", std::move(out)}}, req);
  }
  // Only the admin's own tenant: another tenant's key is answered as a missing one.
  if (auto st = d_.keys.Revoke(actor->tenant, key_id, actor->id); !st) return problem(st.error());
  Response res{beast_http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

}  // namespace konfid::http
