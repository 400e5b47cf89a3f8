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

Result<uint64_t> RotateMasterKey(ports::Storage& storage, ports::Crypto& crypto,
                                 const Keyring& keyring, const SecretBytes& new_master) {
  const SecretBytes& old_master = keyring.master();
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  for (auto t : tenants) {
    KONFID_ASSIGN_OR_RETURN(
        SecretBytes index_key,
        crypto.OpenKey(old_master, t.wrapped_index_key, Keyring::TenantKeyAd(t.tenant, "index")));
    KONFID_ASSIGN_OR_RETURN(
        SecretBytes audit_key,
        crypto.OpenKey(old_master, t.wrapped_audit_key, Keyring::TenantKeyAd(t.tenant, "audit")));
    t.wrapped_index_key =
        crypto.Seal(new_master, index_key.span(), Keyring::TenantKeyAd(t.tenant, "index"));
    t.wrapped_audit_key =
        crypto.Seal(new_master, audit_key.span(), Keyring::TenantKeyAd(t.tenant, "audit"));
    if (!t.wrapped_receipt_key.empty()) {
      std::string ad = Keyring::TenantKeyAd(t.tenant, "receipt");
      KONFID_ASSIGN_OR_RETURN(SecretBytes receipt_key,
                              crypto.OpenKey(old_master, t.wrapped_receipt_key, ad));
      t.wrapped_receipt_key = crypto.Seal(new_master, receipt_key.span(), ad);
    }
    KONFID_TRY(txn->UpdateTenantKeys(t));
  }
  uint64_t count = 0;
  std::string after_tenant, after_id;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(auto page, txn->ListSubjectKeys(after_tenant, after_id, 5000));
    for (const auto& s : page) {
      std::string ad = Keyring::SubjectKeyAd(s.tenant, s.id);
      KONFID_ASSIGN_OR_RETURN(SecretBytes key, crypto.OpenKey(old_master, s.wrapped_key, ad));
      KONFID_TRY(txn->UpdateSubjectKey(s.tenant, s.id, crypto.Seal(new_master, key.span(), ad)));
      ++count;
    }
    if (page.size() < 5000) break;
    after_tenant = page.back().tenant;
    after_id = page.back().id;
  }
  KONFID_TRY(txn->SetMeta(kMasterKeyCheckMeta, Keyring::MasterKeyCheck(crypto, new_master)));
  KONFID_TRY(txn->Commit());
  return count;
}

}  // namespace konfid::app
