// Marketing: mail for a consent-based marketing purpose, and its one-click unsubscribe
// (RFC 8058). A message goes to the outbox only while the subject's consent is live and its
// address is confirmed by its owner; the link withdraws exactly that consent.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <string>

#include "app/consent_signer.h"
#include "app/kernel.h"
#include "app/mail_composer.h"

namespace konfid::app {

class Marketing {
 public:
  // Each reference outlives the use case.
  Marketing(Kernel& kernel, ConsentSigner& signer, MailComposer& mail)
      : k_(kernel), signer_(signer), mail_(mail) {}

  // A marketing email for a consent-based marketing purpose that uses email, queued in the
  // outbox with the one-click unsubscribe headers. ConsentRequired when the subject's
  // consent is not live (a suppressed subject is never sent anything); Conflict
  // (email_unconfirmed) while the subject's address is not confirmed by its owner (never, or
  // not since it changed). Permission kMarketingSend. Returns the outbox message id.
  void Send(const Actor& actor, const std::string& subject, const std::string& purpose,
            const std::string& title, const std::string& body, Callback<std::string> done);

  // The one-click unsubscribe token of a subject for a consent-based marketing purpose:
  // subject id, purpose and a keyed hash over both, so nothing is stored and a changed token
  // does not verify. Permission kMarketingSend.
  Result<std::string> UnsubscribeToken(const Actor& actor, const std::string& subject,
                                       const std::string& purpose) const;
  // Withdraws exactly that consent (method unsubscribe_link), at once and idempotently:
  // true when this call withdrew it, false when it was not live. InvalidArgument
  // (invalid_token) for a token that does not verify.
  void Unsubscribe(const std::string& tenant, const std::string& token, Callback<bool> done);

 private:
  // Inside Send's transaction: the marketing email to the subject's address, sealed under its
  // key. InvalidArgument (no_email) when the subject has no address.
  Result<Bytes> SealedMail(const ports::SubjectRow& row, const std::string& email_field,
                           const ports::OutboxRow& message, const std::string& title,
                           const std::string& body, UnixMicros now,
                           const std::string& unsubscribe_url);

  Kernel& k_;
  ConsentSigner& signer_;
  MailComposer& mail_;
};

}  // namespace konfid::app
