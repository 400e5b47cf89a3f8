#include "app/mail_composer.h"

#include "app/checks.h"
#include "app/outbox.h"
#include "app/tokens.h"
#include "core/encoding.h"
#include "domain/mail.h"

namespace konfid::app {

using namespace internal;

ports::OutboxRow MailComposer::NewMessage(const std::string& tenant, const std::string& subject,
                                          std::string kind, UnixMicros now) {
  ports::OutboxRow message;
  message.tenant = tenant;
  message.id = kernel_.NewId(now);
  message.subject = subject;
  message.kind = std::move(kind);
  message.next_attempt_at = message.created_at = now;
  return message;
}

Bytes MailComposer::Payload(const std::string& message_id, const std::string& to,
                            const std::string& subject, const std::string& body, UnixMicros now,
                            const std::string& unsubscribe_url) const {
  domain::MailContent mail;
  mail.from = settings_.from;
  mail.from_name = settings_.from_name;
  mail.to = to;
  mail.subject = subject;
  mail.body = body;
  mail.message_id = message_id + "@" + settings_.from.substr(settings_.from.find('@') + 1);
  mail.date = now;
  mail.unsubscribe_url = unsubscribe_url;
  Bytes payload;
  AppendLengthPrefixed(payload, settings_.from);
  AppendLengthPrefixed(payload, to);
  std::string message = domain::RenderMail(mail);
  AppendLengthPrefixed(payload, message);
  SecureWipe(message.data(), message.size());
  SecureWipe(mail.body.data(), mail.body.size());
  SecureWipe(mail.to.data(), mail.to.size());
  return payload;
}

Bytes MailComposer::TextPayload(const std::string& to, const std::string& text) const {
  Bytes payload;
  AppendLengthPrefixed(payload, "");
  AppendLengthPrefixed(payload, to);
  AppendLengthPrefixed(payload, text);
  return payload;
}

Bytes MailComposer::Seal(const SecretBytes& key, const Bytes& payload,
                         const ports::OutboxRow& message) const {
  return kernel_.crypto().Seal(key, payload,
                               OutboxPayloadAd(message.tenant, message.subject, message.id));
}

Status MailComposer::QueueToSubject(ports::Transaction& txn, const ports::SubjectRow& row,
                                    const std::string& email_field, std::string kind,
                                    text::MailText text, UnixMicros now, SealUnder under) {
  std::vector<std::string> only = {email_field};
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues values, kernel_.OpenFields(row, &only));
  std::string& to = values[email_field];
  ports::OutboxRow message = NewMessage(row.tenant, row.id, std::move(kind), now);
  Bytes payload = Payload(message.id, to, text.subject, text.body, now);
  SecureWipe(to.data(), to.size());
  SecureWipe(text.body.data(), text.body.size());
  auto key = under == SealUnder::kTenant ? kernel_.keyring().OutboxKey(row.tenant)
                                         : kernel_.SubjectKey(row);
  if (!key) {
    SecureWipe(payload.data(), payload.size());
    return Fail(key.error());
  }
  message.payload = Seal(*key, payload, message);
  SecureWipe(payload.data(), payload.size());
  return txn.InsertOutbox(message);
}

text::MailText MailComposer::ConfirmationText(const domain::TenantPolicy& policy,
                                              const std::string& tenant, const std::string& secret,
                                              const std::string& lang,
                                              const std::string& mail_template) const {
  bool en = lang == "en";
  return text::RenderMailText(
      mail_template, en ? text::Lang::kEn : text::Lang::kRu,
      {{"operator", en ? policy.op.legal_name.en : policy.op.legal_name.ru},
       {"site", settings_.public_url},
       {"link", settings_.public_url + "?tenant=" + tenant + "&token=" + secret},
       {"hours", std::to_string(settings_.token_hours)},
       {"policy_url", policy.publication.url}});
}

Result<std::string> MailComposer::QueueConfirmation(
    ports::Transaction& txn, const domain::TenantPolicy& policy, const std::string& tenant,
    const std::string& subject, const SecretBytes& key, const std::string& email,
    const Bytes& email_hash, const std::string& lang, const std::string& mail_template,
    UnixMicros now) {
  // The link's secret goes only into the email; the token row keeps its hash.
  std::string secret = NewLinkSecret(kernel_.crypto());
  ports::TokenRow token;
  token.tenant = tenant;
  token.hash = TokenHash(kernel_.crypto(), tenant, secret);
  token.subject = subject;
  token.kind = "confirm_email";
  token.created_at = now;
  token.expires_at = ConfirmationExpiry(now);
  token.pending = PendingText({{"given", ""}, {"lang", lang}, {"email", HexEncode(email_hash)}});
  KONFID_TRY(txn.InsertToken(token));

  auto text = ConfirmationText(policy, tenant, secret, lang, mail_template);
  SecureWipe(secret.data(), secret.size());
  ports::OutboxRow outbox = NewMessage(tenant, subject, "confirm_email", now);
  Bytes payload = Payload(outbox.id, email, text.subject, text.body, now);
  SecureWipe(text.body.data(), text.body.size());
  outbox.payload = Seal(key, payload, outbox);
  SecureWipe(payload.data(), payload.size());
  KONFID_TRY(txn.InsertOutbox(outbox));
  return outbox.id;
}

Result<std::string> MailComposer::SubjectLang(ports::Transaction& txn, const std::string& tenant,
                                              const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(tenant, subject));
  for (auto r = rows.rbegin(); r != rows.rend(); ++r)
    if (!r->event.text_hash.empty())
      return internal::TextLang(txn, kernel_.crypto(), tenant, r->event);
  return std::string("ru");
}

}  // namespace konfid::app
