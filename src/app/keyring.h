// Keyring: the master key and the tenants' unwrapped keys (blind index, audit chain).
// Wraps and unwraps subject data keys. Keys are SecretBytes: locked, wiped on destruction.
//
// The database names the master key new keys must be wrapped under (its key epoch: the
// check value in `meta`). While a rotation rewraps the subject keys, the keyring also holds
// the key it moves away from and unwraps with either (docs/operations.md, "Key rotation").
//
// Thread-safe: tenants are loaded before serving and read under a shared lock afterwards;
// the master keys change only in FollowEpoch, under a lock of their own.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
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

// Finds a master key by its check value (a server: among the key files of its data
// directory); nullopt when it has none.
using MasterKeySource = std::function<std::optional<SecretBytes>(const std::string& check)>;

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

  // Under the current master key. Callers that store the result do so in a transaction
  // that called FollowEpoch first (the group committer does), so the key is still current
  // when it commits.
  // The key's generation (app/rekey.h) is sealed with it: nothing after the key's 32 bytes
  // for the first, generation 0, else its number as 4 big-endian bytes.
  Bytes WrapSubjectKey(const SecretBytes& key, const std::string& tenant,
                       const std::string& subject, uint32_t generation = 0) const;
  // Under the current master key, or the previous one while a rotation is rewrapping.
  // Conflict `erased` for an empty `wrapped` (the key store has no key for the subject) and
  // for a key of another generation than `generation`, the one the data was sealed under:
  // both happen only when the data, or the key store, was restored from a copy made before
  // a destruction.
  Result<SecretBytes> UnwrapSubjectKey(const Bytes& wrapped, const std::string& tenant,
                                       const std::string& subject, uint32_t generation) const;

  // The key a rotation moves away from: kept to unwrap what is not rewrapped yet.
  void AddPreviousKey(SecretBytes previous);
  // Where FollowEpoch looks for the key of a newer epoch, and where it reports a change.
  void SetKeySource(MasterKeySource source, std::function<void(const std::string&)> note);
  // Reads the database's key epoch in `txn` (Transaction::ReadKeyEpoch: steady until `txn`
  // ends) and makes the key it names the current one: when a rotation has moved it on, takes
  // the new key from the key source and keeps the old one for unwrapping. Unavailable
  // (reason key_rotated) when this process has no key for the epoch: nothing may be wrapped
  // under its key any more, and stale() is true until a key is found.
  Status FollowEpoch(ports::Transaction& txn);
  bool stale() const { return stale_.load(std::memory_order_relaxed); }
  // The current master key's check value.
  std::string current_check() const;

  // Keyed hash of a normalized lookup value: what the blind index stores.
  Result<Bytes> BlindIndex(const std::string& tenant, const std::string& field,
                           const std::string& normalized) const;

  // Keyed hash for one-click unsubscribe links (the tenant's index key, its own domain).
  Result<Bytes> UnsubscribeMac(const std::string& tenant, const std::string& subject,
                               const std::string& purpose) const;
  // The tenant's key for a message that outlives its subject (the confirmation of an erasure,
  // sent after the subject's key is destroyed): derived from the index key, so it has no row
  // of its own and a master-key rotation carries it along.
  Result<SecretBytes> OutboxKey(const std::string& tenant) const;
  // The keys of one depersonalized export (app/depersonalized_exports.h): its pseudonyms are
  // keyed hashes under one, its mapping back to subjects is sealed under the other. Derived
  // from the index key in a domain of their own, as OutboxKey is: no row of their own, and a
  // rotation carries them along.
  // `use` keeps the two apart: "pseudonym" for the keyed hashes, "mapping" for the seal.
  Result<SecretBytes> ExportKey(const std::string& tenant, const std::string& export_id,
                                std::string_view use) const;

  // The current master key. Not for a server, whose key FollowEpoch may change.
  const SecretBytes& master() const { return master_; }
  // The previous master key while a rotation rewraps, else null. Same caveat.
  const SecretBytes* previous() const { return previous_.empty() ? nullptr : &previous_; }

  // The value recorded in the database to recognize a master key.
  static std::string MasterKeyCheck(ports::Crypto& crypto, const SecretBytes& master);
  static std::string TenantKeyAd(const std::string& tenant, const char* which);
  static std::string SubjectKeyAd(const std::string& tenant, const std::string& subject);

 private:
  Keyring(ports::Crypto& crypto, ports::Storage& storage, SecretBytes master, std::string check)
      : crypto_(crypto), storage_(storage), master_(std::move(master)), check_(std::move(check)) {}
  Status Load(const ports::TenantRow& row);
  void AddReceiptKey(ports::TenantRow& row);
  Bytes SealUnderMaster(std::span<const uint8_t> key, const std::string& ad) const;
  // A tenant key sealed under the current master key, or the previous one.
  Result<SecretBytes> OpenTenantKey(const Bytes& wrapped, const std::string& ad) const;
  // A key derived from the tenant's index key: its keyed hash of `message`.
  Result<SecretBytes> DerivedKey(const std::string& tenant, const std::string& message) const;

  ports::Crypto& crypto_;
  ports::Storage& storage_;
  mutable std::shared_mutex keys_mu_;  // master_, previous_, check_
  SecretBytes master_;
  SecretBytes previous_;  // empty when no rotation is rewrapping
  std::string check_;
  std::atomic<bool> stale_{false};
  MasterKeySource key_source_;
  std::function<void(const std::string&)> note_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<TenantKeys>, std::less<>> tenants_;
};

inline constexpr char kMasterKeyCheckMeta[] = "master_key_check";
// While a rotation rewraps: the check value of the key it moves away from ("" otherwise),
// the last subject it rewrapped ("<tenant> <id>") and the epoch's number (1, 2, ...).
inline constexpr char kPreviousKeyCheckMeta[] = "master_key_previous_check";
inline constexpr char kRotationCursorMeta[] = "master_key_rotation_cursor";
inline constexpr char kKeyEpochMeta[] = "master_key_epoch";

}  // namespace konfid::app
