// Double opt-in after the fact: an address that changes is confirmed again by its owner
// before any marketing mail goes to it.
#include "app/outbox.h"
#include "app/vault.h"
#include "app/vault_internal.h"
#include "text/policy_text.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

Result<std::string> Vault::SubjectLang(ports::Transaction& txn, const std::string& tenant,
                                       const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(tenant, subject));
  for (auto r = rows.rbegin(); r != rows.rend(); ++r) {
    const domain::ConsentEvent& e = r->event;
    if (e.text_hash.empty()) continue;
    KONFID_ASSIGN_OR_RETURN(auto english, txn.FindPolicyText(tenant, e.policy_version,
                                                             "consent/" + e.purpose, "en", "md"));
    bool en = english && HexEncode(crypto_.Sha256(AsBytes(*english))) == e.text_hash;
    return std::string(en ? "en" : "ru");
  }
  return std::string("ru");
}

Result<std::string> Vault::QueueConfirmation(ports::Transaction& txn,
                                             const domain::TenantPolicy& policy,
                                             const std::string& tenant, const std::string& subject,
                                             const SecretBytes& key, const std::string& email,
                                             const Bytes& email_hash, const std::string& lang,
                                             const std::string& mail_template, UnixMicros now) {
  // The link's secret goes only into the email; the token row keeps its hash.
  Bytes raw(32);
  crypto_.RandomBytes(raw);
  std::string secret = Base64UrlEncode(raw);
  ports::TokenRow token;
  token.tenant = tenant;
  token.hash = TokenHash(tenant, secret);
  token.subject = subject;
  token.kind = "confirm_email";
  token.created_at = now;
  token.expires_at = now + static_cast<int64_t>(mail_.token_hours) * 3'600'000'000LL;
  token.pending = PendingText({{"given", ""}, {"lang", lang}, {"email", HexEncode(email_hash)}});
  KONFID_TRY(txn.InsertToken(token));

  bool en = lang == "en";
  auto text =
      text::RenderMailText(mail_template, en ? text::Lang::kEn : text::Lang::kRu,
                           {{"operator", en ? policy.op.legal_name.en : policy.op.legal_name.ru},
                            {"site", mail_.public_url},
                            {"link", mail_.public_url + "?tenant=" + tenant + "&token=" + secret},
                            {"hours", std::to_string(mail_.token_hours)},
                            {"policy_url", policy.publication.url}});
  SecureWipe(secret.data(), secret.size());
  ports::OutboxRow outbox;
  outbox.tenant = tenant;
  outbox.id = NewSubjectId(now);
  outbox.subject = subject;
  outbox.kind = "confirm_email";
  outbox.next_attempt_at = outbox.created_at = now;
  Bytes payload = MailPayload(outbox.id, email, text.subject, text.body, now);
  SecureWipe(text.body.data(), text.body.size());
  outbox.payload = crypto_.Seal(key, payload, OutboxPayloadAd(tenant, subject, outbox.id));
  SecureWipe(payload.data(), payload.size());
  KONFID_TRY(txn.InsertOutbox(outbox));
  return outbox.id;
}

Status Vault::ReconfirmEmail(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                             const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                             const SecretBytes& key, const domain::FieldValues& values,
                             const std::map<std::string, Bytes>& index, UnixMicros now) {
  if (row.email_verified_at != 0) KONFID_TRY(txn.SetEmailVerified(who.tenant, row.id, 0));
  const domain::FieldSpec* spec = EmailSpec(policy);
  if (!spec) return Ok();
  auto email = values.find(spec->name);
  auto hash = index.find(spec->name);
  if (email == values.end() || hash == index.end()) return Ok();  // removed: nobody to ask
  KONFID_ASSIGN_OR_RETURN(std::string lang, SubjectLang(txn, who.tenant, row.id));
  KONFID_TRY(QueueConfirmation(txn, policy, who.tenant, row.id, key, email->second, hash->second,
                               lang, "reconfirm", now));
  // The new address is used to ask its owner to confirm it.
  return audit.Append(
      MakeEvent(who, Operation::kUse, row.id, {spec->name}, Outcome::kOk, "email_confirmation"));
}

}  // namespace konfid::app
