// API keys: `kf_<key id>_<secret>`. Only a hash of the secret is stored. Authenticate caches
// keys it has verified; a key created by another process is found on its first use.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "app/roles.h"
#include "app/vault.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app {

struct NewApiKey {
  std::string key_id;
  std::string token;  // shown once
};

class ApiKeys {
 public:
  ApiKeys(ports::Storage& storage, ports::Crypto& crypto) : storage_(storage), crypto_(crypto) {}

  // Stores a new key for `tenant` with `role` and returns it.
  Result<NewApiKey> Create(const std::string& tenant, Role role, UnixMicros now);
  // Unauthenticated for a malformed, unknown or wrong token.
  Result<Actor> Authenticate(std::string_view token);

 private:
  struct Known {
    Bytes secret_hash;
    Actor actor;
  };
  Bytes HashSecret(std::string_view key_id, std::string_view secret);

  ports::Storage& storage_;
  ports::Crypto& crypto_;
  std::mutex mu_;
  std::unordered_map<std::string, Known> cache_;
};

}  // namespace konfid::app
