// MailComposer: the messages the use cases put in the outbox (app/outbox.h sends them). It
// writes the payload (the envelope and the RFC 5322 message), seals it under the subject's key
// and builds the email-confirmation message that registration and a changed address send.
//
// Thread-safe after construction: the settings do not change.
#pragma once

#include <string>

#include "app/kernel.h"
#include "text/policy_text.h"

namespace konfid::app {

// Where registration mail comes from and where its links point.
struct MailSettings {
  std::string from = "noreply@localhost";
  std::string from_name;
  // The site's confirmation page: <public_url>?tenant=&token=.
  std::string public_url = "http://127.0.0.1:8080/confirm";
  int token_hours = 48;
  // Konfid's own public address, for one-click unsubscribe links (HTTPS in production).
  std::string unsubscribe_base = "http://127.0.0.1:8080";
  // How long the link of a policy-change notice works.
  int notice_days = 30;
};

class MailComposer {
 public:
  // `kernel` outlives the composer.
  MailComposer(Kernel& kernel, MailSettings settings)
      : kernel_(kernel), settings_(std::move(settings)) {}

  const MailSettings& settings() const { return settings_; }

  // A message of `kind` to `subject`, due now, with a new id; its payload is set by Seal.
  ports::OutboxRow NewMessage(const std::string& tenant, const std::string& subject,
                              std::string kind, UnixMicros now);
  // An outbox payload (app/outbox.cc reads it): the envelope and the RFC 5322 message from
  // the settings' sender to `to`, before sealing. The caller wipes it.
  Bytes Payload(const std::string& message_id, const std::string& to, const std::string& subject,
                const std::string& body, UnixMicros now,
                const std::string& unsubscribe_url = {}) const;
  // An outbox payload of a text message (SMS): no sender, the number `to`, the text. The
  // caller wipes it.
  Bytes TextPayload(const std::string& to, const std::string& text) const;
  // `payload` sealed under the subject's key for `message` (bound to its tenant, subject and
  // id). The caller wipes the payload.
  Bytes Seal(const SecretBytes& key, const Bytes& payload, const ports::OutboxRow& message) const;

  // Whose key seals a message to a subject: the subject's, or the tenant's outbox key
  // (Keyring::OutboxKey) for one that is sent after the subject's key is destroyed.
  enum class SealUnder { kSubject, kTenant };
  // Inside a transaction: `text` to the subject of `row` at the address its field
  // `email_field` holds (opened here), queued as `kind` and sealed under `under`'s key. The
  // caller audits the use; the body is wiped.
  Status QueueToSubject(ports::Transaction& txn, const ports::SubjectRow& row,
                        const std::string& email_field, std::string kind, text::MailText text,
                        UnixMicros now, SealUnder under = SealUnder::kSubject);

  // The confirmation email's text (template `mail_template`: confirm or reconfirm) with the
  // link to the site's confirmation page for `secret`. The caller wipes the body.
  text::MailText ConfirmationText(const domain::TenantPolicy& policy, const std::string& tenant,
                                  const std::string& secret, const std::string& lang,
                                  const std::string& mail_template) const;
  // Inside a transaction: a single-use confirm_email token bound to `email` (its blind-index
  // hash: the link confirms nothing once the address changes again) and the email with the
  // link in the outbox, sealed under the subject's key. Returns the outbox message id.
  Result<std::string> QueueConfirmation(ports::Transaction& txn, const domain::TenantPolicy& policy,
                                        const std::string& tenant, const std::string& subject,
                                        const SecretBytes& key, const std::string& email,
                                        const Bytes& email_hash, const std::string& lang,
                                        const std::string& mail_template, UnixMicros now);
  // Inside a transaction: the language of the subject's mail, that of the consent texts it
  // last read ("en" when its latest event with a text hash has that of the English text of its
  // version), "ru" otherwise.
  Result<std::string> SubjectLang(ports::Transaction& txn, const std::string& tenant,
                                  const std::string& subject);
  // When a confirmation link made now stops working.
  UnixMicros ConfirmationExpiry(UnixMicros now) const {
    return now + static_cast<int64_t>(settings_.token_hours) * 3'600'000'000LL;
  }

 private:
  Kernel& kernel_;
  const MailSettings settings_;
};

}  // namespace konfid::app
