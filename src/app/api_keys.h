// API keys: `kf_<key id>_<secret>`. Only a hash of the secret is stored. Authenticate caches
// keys it has verified for at most kRecheckMicros, then reads the key's row again: a key
// created by another process is found on its first use, and one revoked by any process or
// node is refused within that time. Creating and revoking a key appends an admin event to
// the tenant's audit chain in the same transaction.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/admin_log.h"
#include "app/kernel.h"
#include "app/roles.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app {

struct NewApiKey {
  std::string key_id;
  std::string token;  // shown once
};

// A key as listed: never its secret or hash.
struct ApiKeyInfo {
  std::string key_id;
  std::string tenant;
  std::string role;
  UnixMicros created_at = 0;
  UnixMicros revoked_at = 0;  // 0 while valid
  std::string recipient;      // a processor's key: the recipient it is bound to
};

class ApiKeys {
 public:
  // How long a verified key is trusted without reading its row again.
  static constexpr int64_t kRecheckMicros = 500'000;

  ApiKeys(ports::Storage& storage, ports::Crypto& crypto, ports::Clock& clock, const AdminLog& log)
      : storage_(storage), crypto_(crypto), clock_(clock), log_(log) {}

  // Stores a new key for `tenant` with `role`; `actor` ("system:cli", "apikey:<id>") is
  // audited. NotFound (reason tenant_not_configured) when the database has no such tenant.
  // A processor's key is bound to `recipient`, a recipient of the policy (the caller checks
  // that it is declared), and reads only its projection (app/disclosures.h);
  // InvalidArgument (recipient_required) for a processor key without one, or for a recipient
  // given to another role.
  Result<NewApiKey> Create(const std::string& tenant, Role role, const std::string& actor,
                           const std::string& recipient = {});
  // The tenant's keys, revoked ones included, oldest first.
  Result<std::vector<ApiKeyInfo>> List(const std::string& tenant);
  // Revokes one of the tenant's keys. NotFound (reason no_such_api_key) when the tenant has
  // no such key, a key of another tenant included; Conflict (reason api_key_revoked) when it
  // was revoked already.
  Status Revoke(const std::string& tenant, const std::string& key_id, const std::string& actor);
  // Unauthenticated for a malformed, unknown, wrong or revoked token.
  Result<Actor> Authenticate(std::string_view token);

 private:
  struct Known {
    Bytes secret_hash;
    Actor actor;
    int64_t checked_at = 0;  // monotonic
  };
  Bytes HashSecret(std::string_view key_id, std::string_view secret);

  ports::Storage& storage_;
  ports::Crypto& crypto_;
  ports::Clock& clock_;
  const AdminLog& log_;
  std::mutex mu_;
  std::unordered_map<std::string, Known> cache_;
};

}  // namespace konfid::app
