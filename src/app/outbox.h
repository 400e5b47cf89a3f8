// The outbox job: sends the messages that changes wrote to the outbox in their own
// transactions. Each attempt is claimed first (so two senders never take one message), the
// payload is opened with the subject's data key, and the result is recorded with an audit
// event. Failures are retried with exponential backoff; after `max_attempts` the message is
// marked failed. A message of an erased subject cannot be opened and is marked failed, except
// the news that the erasure is done (kind erasure_done), sealed under the tenant's outbox key
// (Keyring::OutboxKey). Once a message is sent or has failed for good, its payload is wiped.
// A destruction that leaves something closes the subject's pending messages (app/rekey.h):
// one closed after it was listed is skipped; one whose subject's key is gone (a restored
// copy) fails alone.
//
// A marketing message (kind "marketing:<purpose>") is sent only while the subject's consent
// to that purpose is still live: one withdrawn while the message waited (in the queue or
// between retries) is never sent, and is marked failed with the reason consent_required. Nor is
// one whose address is no longer the subject's confirmed address (changed or unconfirmed since
// it was queued): marked failed with the reason email_unconfirmed.
//
// A message to the tenant's staff (kind "staff:<what>", the daily digest of overdue requests)
// names no subject and carries no personal data; its payload is not sealed.
//
// A one-time code by SMS (kind "code_sms") goes to the SMS gateway instead of the mail server;
// without one it fails for good (reason sms_unavailable). A marketing message to a subject with
// anything blocked is not sent (reason blocked); a one-time code or a confirmation still is: it
// serves the subject's own rights.
//
// A crash after the server accepted a message and before the result is recorded can send it
// again after the claim lapses; the Message-ID stays the same, so receivers can tell.
#pragma once

#include <functional>

#include "app/group_committer.h"
#include "app/keyring.h"
#include "app/policy_store.h"
#include "app/sealed_ads.h"
#include "ports/clock.h"
#include "ports/mailer.h"
#include "ports/sms.h"
#include "ports/storage.h"

namespace konfid::app {

// Whether a message's payload is sealed under its subject's data key. A message to the
// tenant's staff names no subject and is not sealed; the news that an erasure is done is
// sealed under the tenant's outbox key, its subject's key being gone (app/request_notices.h).
bool SealedUnderSubjectKey(const ports::OutboxRow& m);
// The audit event of what became of message `m`: a use of the address (the phone for
// code_sms) by system:outbox.
domain::AuditEvent OutboxUseEvent(const ports::OutboxRow& m, domain::Outcome outcome,
                                  std::string reason);

// A delivery attempt that failed (not one suppressed because the consent or the confirmed
// address is gone: that is a decision, audited as denied). Free of personal data: the
// mailer's errors name the SMTP reply, never the address.
struct MailFailure {
  std::string tenant;
  std::string message_id;
  std::string kind;
  int64_t attempts = 0;
  bool final = false;  // no retry will follow
  Error error;
};

struct OutboxStats {
  size_t sent = 0;
  size_t retried = 0;
  size_t failed = 0;  // suppressed messages among them
  std::vector<MailFailure> failures;
};

class OutboxSender {
 public:
  OutboxSender(ports::Storage& storage, GroupCommitter& committer, const Keyring& keyring,
               ports::Crypto& crypto, ports::Mailer& mailer, ports::Clock& clock,
               const PolicySource& policies, int max_attempts = 8);

  // Called at once for every failed delivery attempt (also in a pass that fails later), on the
  // thread that runs the pass. Set before the first pass.
  void OnFailure(std::function<void(const MailFailure&)> fn) { on_failure_ = std::move(fn); }
  // Where one-time codes by SMS go; none: they fail. Set before the first pass.
  void UseSms(ports::SmsSender* sms) { sms_ = sms; }
  // One pass over the messages due at `now` (claimed at `now`; what happened to each is
  // recorded at the clock's time after the attempt).
  Result<OutboxStats> RunOnce(UnixMicros now);

  // The delay before attempt n+1 after n failed ones: 30 s doubling, at most 6 h.
  static int64_t BackoffMicros(int64_t attempts);

 private:
  Status Deliver(ports::OutboxRow message, UnixMicros now, OutboxStats& stats);
  // A claimed message opened for sending: its envelope and text, or why it cannot go.
  struct Opened {
    std::string from, to, data;
    std::string error;       // it cannot be opened (erased subject, damaged payload)
    std::string suppressed;  // it must not go now (consent_required, email_unconfirmed, blocked)
    bool closed = false;     // closed since it was listed, by a destruction (app/rekey.h)
  };
  Result<Opened> Open(const ports::OutboxRow& m, UnixMicros now);
  Result<Opened> OpenUnderTenantKey(const ports::OutboxRow& m);
  // Hands an opened message to the mail server or, for code_sms, the SMS gateway.
  Status Send(const ports::OutboxRow& m, const std::string& from, const std::string& to,
              const std::string& data);
  // Why a marketing message must not go out now, "" when it may: consent_required when the
  // consent to its purpose is no longer live; email_unconfirmed when `to`, the address it
  // was written to, is not the subject's confirmed address any more (changed, unconfirmed).
  Result<std::string> Suppression(ports::Transaction& txn, const ports::OutboxRow& m,
                                  const ports::SubjectRow& subject, const SecretBytes& key,
                                  const std::string& to, UnixMicros now);

  ports::Storage& storage_;
  GroupCommitter& committer_;
  const Keyring& keyring_;
  ports::Crypto& crypto_;
  ports::Mailer& mailer_;
  ports::Clock& clock_;
  const PolicySource& policies_;
  int max_attempts_;
  std::function<void(const MailFailure&)> on_failure_;
  ports::SmsSender* sms_ = nullptr;
};

}  // namespace konfid::app
