// Keyring: the master key and the tenants' unwrapped keys (blind index, audit chain).
// Wraps and unwraps subject data keys. Keys are SecretBytes: locked, wiped on destruction.
//
// Thread-safe: tenants are loaded before serving and read under a shared lock afterwards.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "core/secret_bytes.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app {

struct TenantKeys {
  SecretBytes index_key;
  SecretBytes audit_key;
  SecretBytes receipt_key;  // Ed25519 secret (64 bytes)
  Bytes receipt_public_key;
  std::string receipt_key_id;  // "<tenant>-<16 hex of BLAKE2b(public key)>"
};

class Keyring {
 public:
  // Checks `master` against the database's check value. With `initialize`, a database that
  // has none yet records this key's. PermissionDenied when the key does not match.
  static Result<std::unique_ptr<Keyring>> Open(ports::Crypto& crypto, ports::Storage& storage,
                                               SecretBytes master, bool initialize);

  // Creates the tenant's keys if it has none (and a receipt key for a tenant made before
  // receipts existed), then loads them. Idempotent.
  Status EnsureTenant(const std::string& tenant, UnixMicros now);
  // Loads every tenant recorded in the database.
  Status LoadAllTenants();

  // NotFound for a tenant that is not loaded.
  Result<const TenantKeys*> Tenant(const std::string& tenant) const;

  Bytes WrapSubjectKey(const SecretBytes& key, const std::string& tenant,
                       const std::string& subject) const;
  Result<SecretBytes> UnwrapSubjectKey(const Bytes& wrapped, const std::string& tenant,
                                       const std::string& subject) const;

  // Keyed hash of a normalized lookup value: what the blind index stores.
  Result<Bytes> BlindIndex(const std::string& tenant, const std::string& field,
                           const std::string& normalized) const;

  // Keyed hash for one-click unsubscribe links (the tenant's index key, its own domain).
  Result<Bytes> UnsubscribeMac(const std::string& tenant, const std::string& subject,
                               const std::string& purpose) const;

  const SecretBytes& master() const { return master_; }

  // The value recorded in the database to recognize a master key.
  static std::string MasterKeyCheck(ports::Crypto& crypto, const SecretBytes& master);
  static std::string TenantKeyAd(const std::string& tenant, const char* which);
  static std::string SubjectKeyAd(const std::string& tenant, const std::string& subject);

 private:
  Keyring(ports::Crypto& crypto, ports::Storage& storage, SecretBytes master)
      : crypto_(crypto), storage_(storage), master_(std::move(master)) {}
  Status Load(const ports::TenantRow& row);
  void AddReceiptKey(ports::TenantRow& row);

  ports::Crypto& crypto_;
  ports::Storage& storage_;
  SecretBytes master_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<TenantKeys>, std::less<>> tenants_;
};

inline constexpr char kMasterKeyCheckMeta[] = "master_key_check";

}  // namespace konfid::app
