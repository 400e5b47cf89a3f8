#include "app/maintenance.h"

#include "app/audit_writer.h"

namespace konfid::app {

Result<std::vector<TenantAuditReport>> VerifyAuditChains(ports::Storage& storage,
                                                         ports::Crypto& crypto, Keyring& keyring,
                                                         const AuditEventVisitor& visit) {
  KONFID_TRY(keyring.LoadAllTenants());
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  std::vector<TenantAuditReport> out;
  for (const auto& t : tenants) {
    KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring.Tenant(t.tenant));
    KONFID_ASSIGN_OR_RETURN(ports::AuditHead head, txn->ReadAuditHead(t.tenant));
    domain::AuditChainVerifier verifier(
        [&](const Bytes& message) { return crypto.Mac(keys->audit_key, message); }, head.seq,
        head.hash);
    TenantAuditReport report{t.tenant, 0, std::nullopt};
    KONFID_TRY(txn->ScanAudit(t.tenant, [&](const domain::AuditEvent& e) {
      verifier.Add(e);
      if (visit) visit(e);
      ++report.events;
      return Ok();
    }));
    report.broken = verifier.Finish();
    out.push_back(std::move(report));
  }
  return out;
}

}  // namespace konfid::app
