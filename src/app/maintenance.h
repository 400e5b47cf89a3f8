// Operator tasks that walk the whole database: verifying the audit chains (key rotation is in
// key_rotation.h). Each runs in transactions of its own, outside the group committer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/keyring.h"
#include "domain/audit.h"

namespace konfid::app {

struct TenantAuditReport {
  std::string tenant;
  uint64_t events = 0;
  std::optional<domain::ChainBreak> broken;
};

// Called with each event as the verification reads it (app/checkpoints.h matches checkpoints).
using AuditEventVisitor = std::function<void(const domain::AuditEvent&)>;

// Verifies every tenant's chain with its audit key. An error only when the database
// cannot be read; a broken chain is a report, not an error.
Result<std::vector<TenantAuditReport>> VerifyAuditChains(ports::Storage& storage,
                                                         ports::Crypto& crypto, Keyring& keyring,
                                                         const AuditEventVisitor& visit = {});

}  // namespace konfid::app
