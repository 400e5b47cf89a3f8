// Signed checkpoints of the audit chains (docs/audit_log_format.md, "Checkpoints").
//
// CheckpointJob signs each tenant's audit head with the tenant's Ed25519 key, appends the line
// to a sink (the configured file, which the operator ships elsewhere) and stores it; a tenant
// whose head has not moved since its last checkpoint is skipped. `konfid audit verify` then
// proves, with VerifyAuditLog, that every chain still holds every checkpointed event: cutting
// the end off a chain and rewinding its head no longer goes unnoticed.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/keyring.h"
#include "app/maintenance.h"
#include "app/policy_store.h"
#include "domain/checkpoint.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app {

// Parses `line` and checks its signature with `public_key` (Ed25519, 32 bytes).
// InvalidArgument for a line that is not a canonical checkpoint; PermissionDenied when the key
// id is not this key's or the signature does not verify. Never throws, whatever the bytes.
Result<domain::AuditCheckpoint> VerifyCheckpoint(ports::Crypto& crypto,
                                                 std::span<const uint8_t> public_key,
                                                 std::string_view line);

// The key id of a tenant's public key: "<tenant>-<first 16 hex of BLAKE2b-256(key)>".
std::string CheckpointKeyId(ports::Crypto& crypto, const std::string& tenant,
                            std::span<const uint8_t> public_key);

struct CheckpointReport {
  std::vector<ports::AuditCheckpointRow> signed_heads;  // the checkpoints made, one per tenant
  size_t unchanged = 0;  // tenants skipped: head not moved (or no event yet)
};

class CheckpointJob {
 public:
  // Receives each new checkpoint line (no newline) before it is stored; an error stops the
  // pass. Empty: checkpoints are stored only.
  using Sink = std::function<Status(std::string_view line)>;
  CheckpointJob(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring, Sink sink)
      : storage_(storage), crypto_(crypto), keyring_(keyring), sink_(std::move(sink)) {}

  // Checkpoints every tenant the keyring holds whose head moved, signed at `now`.
  // Thread-safe (passes run one at a time). jobs/ schedules it (thread kf-audit-ckpt).
  Result<CheckpointReport> RunOnce(UnixMicros now);

 private:
  struct Due {
    std::string tenant;
    ports::AuditHead head;
  };
  Result<std::vector<Due>> MovedHeads(size_t& unchanged);

  ports::Storage& storage_;
  ports::Crypto& crypto_;
  const Keyring& keyring_;
  Sink sink_;
  std::mutex pass_mu_;
};

// What /v1/audit/checkpoints publishes for a tenant: the key that verifies its checkpoints
// and the newest of them.
struct PublishedCheckpoints {
  std::string key_id;
  Bytes public_key;                                    // Ed25519
  std::vector<ports::AuditCheckpointRow> checkpoints;  // newest first
};

// Reads a tenant's published checkpoints (at most `limit`) in one read-only transaction.
// NotFound (tenant_not_configured) for a tenant not configured on this server; NotFound when
// it has no key yet; the storage's errors otherwise.
class CheckpointReader {
 public:
  // Each reference outlives the reader.
  CheckpointReader(ports::Storage& storage, const PolicySource& policies, const Keyring& keyring)
      : storage_(storage), policies_(policies), keyring_(keyring) {}
  Result<PublishedCheckpoints> Latest(const std::string& tenant, size_t limit) const;

 private:
  ports::Storage& storage_;
  const PolicySource& policies_;
  const Keyring& keyring_;
};

// One checkpoint to check, and where it came from ("FILE:LINE", or "database").
struct CheckpointSource {
  std::string where;
  std::string line;
};

// The lines of a checkpoint file, named `name`:N; empty lines and lines starting with '#'
// are skipped.
std::vector<CheckpointSource> CheckpointFileLines(const std::string& name, std::string_view text);
// Every checkpoint stored in the database, of every tenant.
Result<std::vector<CheckpointSource>> StoredCheckpoints(ports::Storage& storage);

struct CheckpointProblem {
  std::string where;
  std::string what;  // names the tenant and event
};

struct AuditLogReport {
  std::vector<TenantAuditReport> chains;
  size_t checkpoints_held = 0;  // checkpoints whose event the chain still holds
  std::vector<CheckpointProblem> problems;
};

// Verifies every chain (VerifyAuditChains) and every checkpoint: its signature with the
// tenant's key, and that the chain holds the event at its seq with its hash. An error only
// when the database cannot be read; what does not verify is a report.
Result<AuditLogReport> VerifyAuditLog(ports::Storage& storage, ports::Crypto& crypto,
                                      Keyring& keyring,
                                      const std::vector<CheckpointSource>& checkpoints);

}  // namespace konfid::app
