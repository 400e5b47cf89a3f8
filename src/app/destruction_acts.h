// Signing acts of destruction (domain/destruction_act.h): the act's claims as a compact JWS
// under the tenant's Ed25519 key, the key that signs its receipts and audit checkpoints, so
// that anyone holding the published key (GET /v1/audit/checkpoints) can check an act without
// the server.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/kernel.h"
#include "app/keyring.h"
#include "core/error.h"
#include "domain/destruction_act.h"
#include "domain/retention.h"
#include "ports/crypto.h"
#include "ports/storage.h"
#include "ports/time_zone.h"

namespace konfid::app {

// The act signed with the tenant's key: header.payload.signature, the payload being
// DestructionActClaims(act). Internal when the tenant has no signing key; InvalidArgument when
// the act's audit extract does not hold together (domain::CheckActExtract): an act is never
// signed over an extract that does not record its destruction.
Result<std::string> SignDestructionAct(ports::Crypto& crypto, const Keyring& keyring,
                                       const domain::DestructionAct& act);

// The claims of a signed act, once its signature verifies with `public_key`.
// InvalidArgument for something that is not a JWS; PermissionDenied when the signature fails.
Result<std::string> VerifyDestructionAct(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                         std::string_view jws);

// Whether the act's audit extract is the tenant's audit log itself: each event's hash is its
// chain MAC under the tenant's audit key (the keyring must hold the tenant), and the event
// stored at its seq has that hash. Ok, or InvalidArgument naming the first event that is not
// so; the storage's errors otherwise. For `konfid act verify --data`.
Status CheckExtractInLog(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                         const domain::DestructionAct& act);

// The acts themselves: made, signed and stored inside the transaction that destroys (so that
// a destruction and its act commit together or not at all), then listed and read by staff.
// Thread-safe: Record runs on the committer's thread, the rest hand their reads to it.
class DestructionActs {
 public:
  // Each reference outlives this.
  DestructionActs(Kernel& kernel, const ports::TimeZones& zones) : k_(kernel), zones_(zones) {}

  // Inside the destroying transaction, once its events are appended (`facts.audit`, taken
  // with an AuditCapture, ending in the destroy event): the act of `facts` under `policy`,
  // dated by its destroy event and given a new id, signed and inserted. Nothing is recorded
  // when nothing was destroyed. The errors of SignDestructionAct and of the insert, which
  // fail the destruction with it.
  Status Record(ports::Transaction& txn, const domain::TenantPolicy& policy,
                domain::DestructionFacts facts);
  // What a legal obligation keeps, as an act says it: each plan's field and purpose, and its
  // last day in the tenant's time zone (none while its term has not started).
  Result<std::vector<domain::DestructionAct::Kept>> Kept(
      const domain::TenantPolicy& policy, const std::vector<domain::FieldPlan>& plans) const;

  // The tenant's acts (one subject's when the filter names one), oldest first, at most 200 a
  // page. Permission kActsRead; audited as an extract, reason destruction_acts.
  void List(const Actor& actor, ports::DestructionActFilter filter,
            Callback<std::vector<ports::DestructionActRow>> done);
  // One act. NotFound (reason no_act) for an unknown id or another tenant's act.
  void Find(const Actor& actor, const std::string& id, Callback<ports::DestructionActRow> done);
  // The claims of a stored act, once its signature verifies with its tenant's key (on the
  // caller's thread: the committer's is not spent on it). DataLoss when it does not: the act
  // was changed in the database.
  Result<std::string> Claims(const ports::DestructionActRow& row) const;

 private:
  Kernel& k_;
  const ports::TimeZones& zones_;
};

// What a destruction reason of an erasure says: "" (a staff DELETE) is kStaffErasure,
// "request:<id>" kSubjectRequest with the id as its detail.
void SetErasureReason(const std::string& reason, domain::DestructionFacts& facts);

}  // namespace konfid::app
