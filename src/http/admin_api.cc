// /v1/apikeys: a tenant's admin lists and revokes the tenant's API keys (the route table
// checks the key and its permission). Rare operations: they run their own short transactions
// on the HTTP thread, like publishing a policy.
#include <boost/json.hpp>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object ApiKeyJson(const app::ApiKeyInfo& k) {
  return json::object{
      {"id", k.key_id},
      {"tenant", k.tenant},
      {"role", k.role},
      {"recipient", k.recipient.empty() ? json::value(nullptr) : json::value(k.recipient)},
      {"created_at", FormatRfc3339(k.created_at)},
      {"revoked_at",
       k.revoked_at ? json::value(FormatRfc3339(k.revoked_at)) : json::value(nullptr)}};
}

}  // namespace

Response Api::ListApiKeys(const Call& call) {
  auto keys = d_.keys.List(call.actor->tenant);
  if (!keys) return Problem(call.req, keys.error());
  json::array out;
  for (const auto& k : *keys) out.push_back(ApiKeyJson(k));
  return Json(200, json::object{{"tenant", call.actor->tenant}, {"keys", std::move(out)}},
              call.req);
}

// Only the admin's own tenant: another tenant's key is answered as a missing one.
Response Api::RevokeApiKey(const Call& call) {
  if (auto st =
          d_.keys.Revoke(call.actor->tenant, std::string(call.params.Get("id")), call.actor->id);
      !st)
    return Problem(call.req, st.error());
  return NoContent(call.req);
}

}  // namespace konfid::http
