#include "app/consent_expiry.h"

#include "app/checks.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

Result<size_t> ConsentExpiry::Expire(const std::string& tenant,
                                     const std::vector<ExpiredConsent>& found) {
  auto active = k_.Active(tenant);
  if (!active) return Fail(ErrorCode::kNotFound, "tenant is not configured");
  size_t appended = 0;
  UnixMicros now = k_.clock().Now();
  KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
    appended = 0;
    for (const auto& consent : found) {
      KONFID_ASSIGN_OR_RETURN(bool due, ExpireOne(txn, audit, *active, tenant, consent, now));
      if (due) ++appended;
    }
    return Ok();
  }));
  return appended;
}

Result<bool> ConsentExpiry::ExpireOne(ports::Transaction& txn, AuditWriter& audit,
                                      const ActivePolicy& active, const std::string& tenant,
                                      const ExpiredConsent& consent, UnixMicros now) {
  const auto& [subject, purpose] = consent;
  KONFID_ASSIGN_OR_RETURN(auto events, PurposeEvents(txn, tenant, subject, purpose));
  auto states = domain::DeriveConsents(events, *active.policy, now, active.consent_epochs);
  auto it = states.find(purpose);
  // Expired by its term, and the ledger does not say so yet.
  if (events.empty() || it == states.end() || it->second.last != domain::ConsentKind::kExpired ||
      events.back().kind == domain::ConsentKind::kExpired)
    return false;
  domain::ConsentEvent e;
  e.id = k_.NewId(now);
  e.purpose = purpose;
  e.kind = domain::ConsentKind::kExpired;
  e.policy_version = events.back().policy_version;
  e.text_hash = events.back().text_hash;  // the consent that ended
  e.method = "retention";
  e.time = it->second.since;  // when the term ran out
  Actor system{tenant, "system:retention", Role::kAdmin};
  KONFID_ASSIGN_OR_RETURN(std::string lang,
                          internal::TextLang(txn, k_.crypto(), tenant, events.back()));
  KONFID_TRY(signer_.Append(txn, audit, system, Operation::kConsentExpired, *active.policy, subject,
                            std::move(e), lang));
  return true;
}

}  // namespace konfid::app
