// Admin actions in the tenants' audit chains: publishing a policy version, creating or
// revoking an API key, rotating the master key. Each event is appended in the transaction of
// the action itself, so the action and its record commit together or not at all
// (docs/audit_log_format.md, "Admin events").
#pragma once

#include <string>

#include "app/keyring.h"
#include "ports/clock.h"

namespace konfid::app {

inline constexpr char kPolicyPublishedOp[] = "policy_published";
inline constexpr char kApiKeyCreatedOp[] = "apikey_created";
inline constexpr char kApiKeyRevokedOp[] = "apikey_revoked";
inline constexpr char kMasterKeyRotatedOp[] = "master_key_rotated";

struct AdminAction {
  std::string tenant;
  std::string actor;      // "apikey:<id>" or "system:cli"
  std::string operation;  // one of the names above
  std::string object;     // what it acted on: "version:3", "apikey:<id> role:admin", "epoch:2"
};

// Appends the action's event to its tenant's chain in `txn` (head locked, written back).
// NotFound when the keyring has no such tenant.
Status AppendAdminEvent(ports::Crypto& crypto, const Keyring& keyring, ports::Clock& clock,
                        ports::Transaction& txn, const AdminAction& action);

// The same, bound to its ports: what the use cases that audit admin actions hold.
class AdminLog {
 public:
  AdminLog(ports::Crypto& crypto, const Keyring& keyring, ports::Clock& clock)
      : crypto_(crypto), keyring_(keyring), clock_(clock) {}
  Status Append(ports::Transaction& txn, const AdminAction& action) const {
    return AppendAdminEvent(crypto_, keyring_, clock_, txn, action);
  }

 private:
  ports::Crypto& crypto_;
  const Keyring& keyring_;
  ports::Clock& clock_;
};

}  // namespace konfid::app
