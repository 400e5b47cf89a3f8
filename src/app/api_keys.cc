#include "app/api_keys.h"

namespace konfid::app {

namespace {
constexpr std::string_view kPrefix = "kf_";
constexpr size_t kIdHex = 16, kSecretHex = 64;

Error BadKey() {
  return Error(ErrorCode::kUnauthenticated, "missing, malformed or unknown API key")
      .WithReason("bad_api_key");
}

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
}  // namespace

Bytes ApiKeys::HashSecret(std::string_view key_id, std::string_view secret) {
  std::string message = "konfid-api-key-v1:";
  message += key_id;
  message += ':';
  message += secret;
  return crypto_.Hash(AsBytes(message));
}

Result<NewApiKey> ApiKeys::Create(const std::string& tenant, Role role, const std::string& actor,
                                  const std::string& recipient) {
  if ((role == Role::kProcessor) == recipient.empty())
    return Fail(Error(ErrorCode::kInvalidArgument,
                      role == Role::kProcessor
                          ? "a processor's key is bound to a recipient of the policy: name it"
                          : "only a processor's key is bound to a recipient")
                    .WithReason("recipient_required"));
  Bytes id(kIdHex / 2), secret(kSecretHex / 2);
  crypto_.RandomBytes(id);
  crypto_.RandomBytes(secret);
  NewApiKey out{HexEncode(id), ""};
  std::string secret_hex = HexEncode(secret);
  out.token = std::string(kPrefix) + out.key_id + "_" + secret_hex;
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindTenant(tenant));
  if (!row)
    return Fail(Error(ErrorCode::kNotFound, "tenant '" + tenant + "' is not configured")
                    .WithReason("tenant_not_configured"));
  std::string role_name(RoleName(role));
  KONFID_TRY(txn->InsertApiKey({tenant, out.key_id, HashSecret(out.key_id, secret_hex), role_name,
                                clock_.Now(), 0, recipient}));
  std::string what = "apikey:" + out.key_id + " role:" + role_name;
  if (!recipient.empty()) what += " recipient:" + recipient;
  KONFID_TRY(log_.Append(*txn, {tenant, actor, kApiKeyCreatedOp, what}));
  KONFID_TRY(txn->Commit());
  return out;
}

Result<std::vector<ApiKeyInfo>> ApiKeys::List(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn->ListApiKeys(tenant));
  std::vector<ApiKeyInfo> out;
  for (const auto& r : rows)
    out.push_back({r.key_id, r.tenant, r.role, r.created_at, r.revoked_at, r.recipient});
  return out;
}

Status ApiKeys::Revoke(const std::string& tenant, const std::string& key_id,
                       const std::string& actor) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  KONFID_ASSIGN_OR_RETURN(bool revoked, txn->RevokeApiKey(tenant, key_id, clock_.Now()));
  if (!revoked) {
    KONFID_ASSIGN_OR_RETURN(auto row, txn->FindApiKey(key_id));
    if (row && row->tenant == tenant)
      return Fail(Error(ErrorCode::kConflict, "the API key is revoked already")
                      .WithReason("api_key_revoked"));
    // Another tenant's key is answered like a missing one: ids are not to be probed.
    return Fail(Error(ErrorCode::kNotFound, "this tenant has no such API key")
                    .WithReason("no_such_api_key"));
  }
  KONFID_TRY(log_.Append(*txn, {tenant, actor, kApiKeyRevokedOp, "apikey:" + key_id}));
  KONFID_TRY(txn->Commit());
  std::lock_guard lock(mu_);
  cache_.erase(key_id);  // this process at once; others within kRecheckMicros
  return Ok();
}

Result<Actor> ApiKeys::Authenticate(std::string_view token) {
  if (token.size() != kPrefix.size() + kIdHex + 1 + kSecretHex || !token.starts_with(kPrefix) ||
      token[kPrefix.size() + kIdHex] != '_')
    return Fail(BadKey());
  std::string key_id(token.substr(kPrefix.size(), kIdHex));
  std::string_view secret = token.substr(kPrefix.size() + kIdHex + 1);
  if (!IsLowerHex(key_id) || !IsLowerHex(secret)) return Fail(BadKey());
  Bytes hash = HashSecret(key_id, secret);
  int64_t now = clock_.MonotonicMicros();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && now - it->second.checked_at < kRecheckMicros) {
      if (!crypto_.Equal(it->second.secret_hash, hash)) return Fail(BadKey());
      return it->second.actor;
    }
  }
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindApiKey(key_id));
  if (!row || row->revoked_at != 0 || !crypto_.Equal(row->secret_hash, hash)) {
    std::lock_guard lock(mu_);
    cache_.erase(key_id);
    return Fail(BadKey());
  }
  auto role = ParseRole(row->role);
  if (!role) return Fail(BadKey());
  Actor actor{row->tenant, "apikey:" + key_id, *role, row->recipient};
  std::lock_guard lock(mu_);
  cache_[key_id] = Known{row->secret_hash, actor, now};
  return actor;
}

}  // namespace konfid::app
