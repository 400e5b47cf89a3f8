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

Result<NewApiKey> ApiKeys::Create(const std::string& tenant, Role role, UnixMicros now) {
  Bytes id(kIdHex / 2), secret(kSecretHex / 2);
  crypto_.RandomBytes(id);
  crypto_.RandomBytes(secret);
  NewApiKey out{HexEncode(id), ""};
  std::string secret_hex = HexEncode(secret);
  out.token = std::string(kPrefix) + out.key_id + "_" + secret_hex;
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindTenant(tenant));
  if (!row) return Fail(ErrorCode::kNotFound, "tenant '" + tenant + "' has no keys yet");
  KONFID_TRY(txn->InsertApiKey(
      {tenant, out.key_id, HashSecret(out.key_id, secret_hex), std::string(RoleName(role)), now}));
  KONFID_TRY(txn->Commit());
  return out;
}

Result<Actor> ApiKeys::Authenticate(std::string_view token) {
  if (token.size() != kPrefix.size() + kIdHex + 1 + kSecretHex || !token.starts_with(kPrefix) ||
      token[kPrefix.size() + kIdHex] != '_')
    return Fail(BadKey());
  std::string key_id(token.substr(kPrefix.size(), kIdHex));
  std::string_view secret = token.substr(kPrefix.size() + kIdHex + 1);
  if (!IsLowerHex(key_id) || !IsLowerHex(secret)) return Fail(BadKey());
  Bytes hash = HashSecret(key_id, secret);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end()) {
      if (!crypto_.Equal(it->second.secret_hash, hash)) return Fail(BadKey());
      return it->second.actor;
    }
  }
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindApiKey(key_id));
  if (!row || !crypto_.Equal(row->secret_hash, hash)) return Fail(BadKey());
  auto role = ParseRole(row->role);
  if (!role) return Fail(BadKey());
  Actor actor{row->tenant, "apikey:" + key_id, *role};
  std::lock_guard lock(mu_);
  cache_[key_id] = Known{row->secret_hash, actor};
  return actor;
}

}  // namespace konfid::app
