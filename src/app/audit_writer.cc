#include "app/audit_writer.h"

namespace konfid::app {

Bytes AuditEventMac(ports::Crypto& crypto, const SecretBytes& audit_key,
                    const domain::AuditEvent& event) {
  return crypto.Mac(audit_key, domain::AuditCanonicalBytes(event));
}

Status AuditWriter::LockHead(const std::string& tenant) {
  if (heads_.contains(tenant)) return Ok();
  KONFID_ASSIGN_OR_RETURN(ports::AuditHead head, txn_.LockAuditHead(tenant));
  heads_.emplace(tenant, Head{std::move(head), false});
  return Ok();
}

std::vector<std::string> AuditWriter::Tenants() const {
  std::vector<std::string> out;
  for (const auto& [tenant, head] : heads_) out.push_back(tenant);
  return out;
}

Status AuditWriter::Append(domain::AuditEvent e) {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(e.tenant));
  auto it = heads_.find(e.tenant);
  if (it == heads_.end()) {
    KONFID_ASSIGN_OR_RETURN(ports::AuditHead head, txn_.LockAuditHead(e.tenant));
    it = heads_.emplace(e.tenant, Head{std::move(head), false}).first;
  }
  Head& h = it->second;
  e.seq = h.head.seq + 1;
  e.time = clock_.Now();
  e.prev_hash = h.head.hash;
  e.hash = AuditEventMac(crypto_, keys->audit_key, e);
  KONFID_TRY(txn_.AppendAudit(e));
  h.head = ports::AuditHead{e.seq, e.hash};
  if (capture_) capture_->push_back(std::move(e));
  h.dirty = true;
  ++count_;
  return Ok();
}

Status AuditWriter::Flush() {
  for (auto& [tenant, h] : heads_) {
    if (!h.dirty) continue;
    KONFID_TRY(txn_.SetAuditHead(tenant, h.head));
    h.dirty = false;
  }
  return Ok();
}

}  // namespace konfid::app
