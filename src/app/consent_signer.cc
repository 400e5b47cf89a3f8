#include "app/consent_signer.h"

#include <algorithm>

#include "app/checks.h"
#include "app/receipts.h"
#include "core/encoding.h"

namespace konfid::app {

namespace {
std::string TextKey(const std::string& tenant, int64_t version, const std::string& purpose,
                    const std::string& lang) {
  return tenant + '\0' + std::to_string(version) + '\0' + purpose + '\0' + lang;
}
}  // namespace

std::string ConsentSigner::CachedTextHash(const std::string& tenant, int64_t version,
                                          const std::string& purpose, const std::string& lang) {
  std::lock_guard lock(text_mu_);
  auto it = text_hashes_.find(TextKey(tenant, version, purpose, lang));
  return it == text_hashes_.end() ? std::string() : it->second;
}

Result<ports::ConsentEventRow> ConsentSigner::Sign(const domain::TenantPolicy& policy,
                                                   const std::string& tenant,
                                                   const std::string& subject,
                                                   domain::ConsentEvent event,
                                                   const std::string& lang) {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, kernel_.keyring().Tenant(tenant));
  if (keys->receipt_key.size() == 0)
    return Fail(ErrorCode::kInternal, "internal error", "tenant has no receipt key");
  std::string claims = ReceiptClaims(policy, subject, event, lang);
  std::string receipt =
      SignReceipt(kernel_.crypto(), keys->receipt_key, keys->receipt_key_id, claims);
  return ports::ConsentEventRow{tenant, subject, std::move(event), std::move(receipt)};
}

Result<ports::ConsentEventRow> ConsentSigner::Signed(
    ports::Transaction& txn, const domain::TenantPolicy& policy, const std::string& tenant,
    const std::string& subject, domain::ConsentEvent event, const std::string& lang) {
  if (event.text_hash.empty())
    event.text_hash = CachedTextHash(tenant, event.policy_version, event.purpose, lang);
  if (event.text_hash.empty()) {  // the exact text the visitor was shown, by version and language
    KONFID_ASSIGN_OR_RETURN(auto text, txn.FindPolicyText(tenant, event.policy_version,
                                                          "consent/" + event.purpose, lang, "md"));
    if (!text)
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "policy version " + std::to_string(event.policy_version) +
                            " has no consent text for purpose '" + event.purpose + "'")
                      .WithReason("unknown_policy_version"));
    event.text_hash = HexEncode(kernel_.crypto().Sha256(AsBytes(*text)));
    std::lock_guard lock(text_mu_);
    text_hashes_[TextKey(tenant, event.policy_version, event.purpose, lang)] = event.text_hash;
  }
  return Sign(policy, tenant, subject, std::move(event), lang);
}

Result<domain::ConsentEvent> ConsentSigner::Append(ports::Transaction& txn, AuditWriter& audit,
                                                   const Actor& who, domain::Operation op,
                                                   const domain::TenantPolicy& policy,
                                                   const std::string& subject,
                                                   domain::ConsentEvent event,
                                                   const std::string& lang) {
  KONFID_ASSIGN_OR_RETURN(auto row,
                          Signed(txn, policy, who.tenant, subject, std::move(event), lang));
  KONFID_TRY(txn.InsertConsentEvent(row));
  KONFID_TRY(audit.Append(
      internal::ConsentAudit(who, op, subject, row.event.purpose, domain::Outcome::kOk)));
  return std::move(row.event);
}

Result<bool> ConsentSigner::Withdraw(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                     const ActivePolicy& active, const std::string& subject,
                                     const std::string& purpose, const std::string& method,
                                     UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto events, internal::PurposeEvents(txn, who.tenant, subject, purpose));
  auto states = domain::DeriveConsents(events, *active.policy, now, active.consent_epochs);
  auto it = states.find(purpose);
  bool given = it != states.end() && it->second.last &&
               (*it->second.last == domain::ConsentKind::kGiven ||
                *it->second.last == domain::ConsentKind::kRenewed);
  if (!given) return false;
  // The receipt names the text in the language the consent was given in.
  auto last_given = std::find_if(events.rbegin(), events.rend(), [](const domain::ConsentEvent& e) {
    return e.kind == domain::ConsentKind::kGiven || e.kind == domain::ConsentKind::kRenewed;
  });
  std::string lang = "ru";
  if (last_given != events.rend()) {
    KONFID_ASSIGN_OR_RETURN(lang,
                            internal::TextLang(txn, kernel_.crypto(), who.tenant, *last_given));
  }
  domain::ConsentEvent e;
  e.id = kernel_.NewId(now);
  e.purpose = purpose;
  e.kind = domain::ConsentKind::kWithdrawn;
  e.policy_version = active.version;
  e.method = method;
  e.time = now;
  KONFID_TRY(Append(txn, audit, who, domain::Operation::kConsentWithdrawn, *active.policy, subject,
                    std::move(e), lang));
  return true;
}

}  // namespace konfid::app
