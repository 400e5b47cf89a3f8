// /v1/audit/checkpoints: the signed checkpoints of a tenant's audit chain, public like the
// receipt key (docs/audit_log_format.md, "Checkpoints"): anyone may keep copies, and the more
// copies are kept outside the operator's reach, the less a cut chain can hide.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object CheckpointJson(const ports::AuditCheckpointRow& c) {
  return json::object{{"seq", c.seq},
                      {"hash", HexEncode(c.hash)},
                      {"time", FormatRfc3339(c.time)},
                      {"checkpoint", c.checkpoint}};
}

}  // namespace

Response Api::AuditCheckpoints(const Call& call) {
  const Request& req = call.req;
  auto problem = [&](const Error& e) { return Problem(req, e); };
  std::string tenant;
  size_t limit = 100;
  for (auto param : call.target.params(boost::urls::encoding_opts{})) {
    if (param.key == "tenant") {
      tenant = param.value;
    } else if (param.key == "limit") {
      const std::string& v = param.value;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
      if (ec != std::errc() || end != v.data() + v.size() || limit < 1 || limit > 1000)
        return problem(Invalid("limit must be an integer from 1 to 1000", "invalid_query"));
    } else {
      return problem(
          Invalid("unknown query parameter '" + param.key.substr(0, 32) + "'", "invalid_query"));
    }
  }
  if (tenant.empty()) return problem(Invalid("name the tenant: ?tenant=<id>", "tenant_required"));
  auto published = d_.checkpoints.Latest(tenant, limit);
  if (!published) return problem(published.error());
  json::array list;
  for (const auto& c : published->checkpoints) list.push_back(CheckpointJson(c));
  json::object jwk{{"kty", "OKP"},
                   {"crv", "Ed25519"},
                   {"x", Base64UrlEncode(published->public_key)},
                   {"kid", published->key_id},
                   {"use", "sig"},
                   {"alg", "EdDSA"}};
  json::value latest = list.empty() ? json::value(nullptr) : json::value(list.front());
  return Json(200,
              json::object{{"tenant", tenant},
                           {"key", std::move(jwk)},
                           {"latest", std::move(latest)},
                           {"checkpoints", std::move(list)}},
              req);
}

}  // namespace konfid::http
