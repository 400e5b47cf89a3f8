// Kernel: the mechanics every use case on personal data shares, held by each of them (not a
// base class): the policy in force, the keyring and the crypto that seal and open values,
// the group committer that runs a use case's writes and its audit event in one transaction,
// the clock, ids, and the audit event of a request refused before any data was touched.
//
// The use cases themselves (subjects.h, consents.h, registrations.h, marketing.h,
// policy_notices.h, consent_expiry.h) each validate and prepare what they can on the caller's
// thread, then hand one operation to the committer and call back after the commit.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/group_committer.h"
#include "app/keyring.h"
#include "app/policy_store.h"
#include "app/roles.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/policy.h"
#include "ports/clock.h"
#include "ports/crypto.h"
#include "ports/phone.h"
#include "ports/storage.h"

namespace konfid::app {

// Who is acting: the tenant their key belongs to, an id for the audit log, their role.
struct Actor {
  std::string tenant;
  std::string id;  // "apikey:<key id>", or "link:…", "system:…" for the visitor's links and jobs
  Role role = Role::kAnalyst;
  // The policy's recipient a processor's key is bound to: it reads that recipient's
  // projection only (app/disclosures.h). Empty for every other key.
  std::string recipient;
};

template <typename T>
using Callback = std::function<void(Result<T>)>;

// Builds an audit event for `actor`; seq, time and hashes are filled by AuditWriter.
domain::AuditEvent MakeEvent(const Actor& actor, domain::Operation op, const std::string& subject,
                             std::vector<std::string> fields, domain::Outcome outcome,
                             std::string reason = {});
// The reason recorded for an error: its own reason, or the code's name.
std::string ReasonOf(const Error& e);

class Kernel {
 public:
  // Each reference outlives the kernel.
  Kernel(const PolicySource& policies, Keyring& keyring, GroupCommitter& committer,
         ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // The policy in force for `tenant`, with its version and consent epochs; nullptr when the
  // tenant is not configured.
  std::shared_ptr<const ActivePolicy> Active(const std::string& tenant) const {
    return policies_.Current(tenant);
  }
  std::shared_ptr<const domain::TenantPolicy> Policy(const std::string& tenant) const {
    return policies_.Policy(tenant);
  }

  // PermissionDenied (reason `role`, the permission table's message) unless the actor's role
  // holds `permission`.
  static Status Permit(const Actor& actor, Permission permission);

  // A new id: 32 lower-case hex characters that sort by creation time and strictly increase
  // within the process. Subjects, consent events and outbox messages all use them.
  std::string NewId(UnixMicros now);
  static bool IsValidId(std::string_view id);
  // The smallest id NewId makes at `t` (its 48 bits of milliseconds, then zeros): a range of
  // ids is a range of creation times.
  static std::string IdFloor(UnixMicros t);

  // Records a refusal that happened before any data was touched (outcome denied for a role
  // refusal, failed otherwise), then reports `error` to `done` (or the audit write's error).
  void Refuse(const Actor& actor, domain::Operation op, const std::string& subject,
              std::vector<std::string> fields, Error error, std::function<void(Error)> done);
  void RefuseEvent(std::shared_ptr<domain::AuditEvent> event, Error error,
                   std::function<void(Error)> done);

  // A value as stored: a phone number in E.164 (InvalidArgument, invalid_phone, when it is not
  // one), any other type as given.
  Result<std::string> Normalize(const domain::TenantPolicy& policy, const domain::FieldSpec& spec,
                                const std::string& value);
  // The subject's data key, unwrapped. DataLoss when it does not authenticate.
  Result<SecretBytes> SubjectKey(const ports::SubjectRow& row) const;
  // Decrypts the fields named in `only` (every field when null). DataLoss when a value does
  // not authenticate.
  Result<domain::FieldValues> OpenFields(const ports::SubjectRow& row,
                                         const std::vector<std::string>* only = nullptr) const;

  Keyring& keyring() const { return keyring_; }
  GroupCommitter& committer() const { return committer_; }
  ports::Crypto& crypto() const { return crypto_; }
  ports::Clock& clock() const { return clock_; }

 private:
  const PolicySource& policies_;
  Keyring& keyring_;
  GroupCommitter& committer_;
  ports::Crypto& crypto_;
  ports::PhoneNormalizer& phones_;
  ports::Clock& clock_;
  std::mutex id_mu_;
  std::array<uint8_t, 16> last_id_{};  // NewId's last id
};

}  // namespace konfid::app
