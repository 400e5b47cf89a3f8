#include "app/admin_log.h"

#include "app/audit_writer.h"

namespace konfid::app {

Status AppendAdminEvent(ports::Crypto& crypto, const Keyring& keyring, ports::Clock& clock,
                        ports::Transaction& txn, const AdminAction& action) {
  AuditWriter writer(crypto, keyring, clock, txn);
  domain::AuditEvent event;
  event.tenant = action.tenant;
  event.actor = action.actor;
  event.operation = action.operation;
  event.outcome = std::string(domain::OutcomeName(domain::Outcome::kOk));
  event.reason = action.object;
  KONFID_TRY(writer.Append(std::move(event)));
  return writer.Flush();
}

}  // namespace konfid::app
