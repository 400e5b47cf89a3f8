// SelfIdentity: how a visitor proves who they are without an account. They ask for a one-time
// code to an address the vault holds for them (a confirmed email address, or a phone number
// where an SMS gateway is configured), and a right code opens a short-lived self session for
// the /v1/self routes, which act only on that subject (app/self_service.h).
//
// The code: 6 digits, kept only as a keyed hash (the tenant's index key, bound to the
// challenge), valid 10 minutes, used once, refused after 5 wrong tries even when right; at
// most 5 codes an hour to one address. It reaches the visitor only through the outbox (sealed
// under the subject's key, like every message): never logged, never in a reply or an error.
//
// No enumeration: an address no subject has (or one not confirmed, or one an open
// rectification disputes) is answered exactly as a
// known one, from the same transaction shape: a challenge is stored for it too, with no
// subject and a code no one knows, so every check of it fails as a wrong code does.
//
// The session: a random secret handed to the visitor once, stored as a keyed hash (a token of
// kind self_session), valid 30 minutes, revoked by CloseSession. Every self route looks it up
// in its own transaction, so a revoked session stops at once.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <string>

#include "app/kernel.h"
#include "app/mail_composer.h"

namespace konfid::app {

struct SelfSettings {
  int code_minutes = 10;
  int max_tries = 5;       // wrong codes a challenge survives
  int codes_per_hour = 5;  // per address
  int session_minutes = 30;
  // How long a code's row is kept after it was made: the hourly limit needs an hour of them;
  // after that the row (the address's blind index among them) has no use and is purged.
  int code_retention_hours = 24;
  bool sms = false;  // an SMS gateway is configured: codes may go to a phone number
};

struct CodeChallenge {
  std::string id;  // what the visitor sends back with the code
  UnixMicros expires_at = 0;
};

struct SelfSessionGrant {
  std::string token;  // "<tenant>.<secret>": the bearer credential of the self routes
  UnixMicros expires_at = 0;
};

// A live self session, resolved inside a transaction.
struct SelfSubject {
  Actor actor;  // "self:<session id>", for the audit log
  ports::SubjectRow row;
};

class SelfIdentity {
 public:
  // Each reference outlives the use case.
  SelfIdentity(Kernel& kernel, MailComposer& mail, SelfSettings settings)
      : k_(kernel), mail_(mail), settings_(settings) {}

  const SelfSettings& settings() const { return settings_; }

  // Sends a code to `address` through `channel` ("email", or "phone" with an SMS gateway).
  // The same answer whether or not a subject has the address. InvalidArgument for a malformed
  // address or an unknown channel; NotFound for a tenant not configured here.
  void SendCode(const std::string& tenant, const std::string& channel, const std::string& address,
                Callback<CodeChallenge> done);
  // Opens a session for the challenge's subject if `code` is right, unused, in time and the
  // challenge has tries left. InvalidArgument (invalid_code) otherwise, whichever it was; a
  // wrong code counts as a try in any case.
  void OpenSession(const std::string& tenant, const std::string& challenge, const std::string& code,
                   Callback<SelfSessionGrant> done);
  // Revokes the session. Unauthenticated (invalid_session) for one that is not live.
  void CloseSession(const std::string& token, Callback<void> done);

  // Inside a transaction: the subject of a live session. Unauthenticated (invalid_session) for
  // a token that is malformed, unknown, revoked or expired, or whose subject is gone.
  Result<SelfSubject> Resolve(ports::Transaction& txn, const std::string& token,
                              UnixMicros now) const;
  // The tenant a session token names, before any lookup; "" for a malformed token.
  static std::string TenantOf(const std::string& token);

  // One pass of the codes job: deletes every tenant's codes older than the retention. Returns
  // how many went.
  Result<uint64_t> PurgeCodes(UnixMicros now);

 private:
  // SendCode's preparation: the lookup field, the normalized address and its blind index.
  Result<std::pair<const domain::FieldSpec*, Bytes>> AddressHash(const domain::TenantPolicy& policy,
                                                                 const std::string& tenant,
                                                                 const std::string& channel,
                                                                 const std::string& address);
  // Inside SendCode's transaction: the challenge row, and the message with `code` when a
  // subject has the address (confirmed, for email; disputed by no open rectification) and the
  // address is under its hourly limit.
  Status IssueCode(ports::Transaction& txn, AuditWriter& audit, const domain::TenantPolicy& policy,
                   const domain::FieldSpec& field, ports::OtpCodeRow challenge,
                   const std::string& code, UnixMicros now);
  // Inside IssueCode: the message with the code to the address the vault holds for `row`.
  Status QueueCode(ports::Transaction& txn, AuditWriter& audit, const domain::TenantPolicy& policy,
                   const domain::FieldSpec& field, const ports::SubjectRow& row,
                   const std::string& code, UnixMicros now);
  // Inside OpenSession's transaction: the session when the code is right; "" when it is not.
  Result<SelfSessionGrant> CheckCode(ports::Transaction& txn, AuditWriter& audit,
                                     const std::string& tenant, const std::string& challenge,
                                     const std::string& code, UnixMicros now);
  std::string NewCode();
  Result<Bytes> CodeHash(const std::string& tenant, const std::string& challenge,
                         const std::string& code) const;

  Kernel& k_;
  MailComposer& mail_;
  const SelfSettings settings_;
};

}  // namespace konfid::app
