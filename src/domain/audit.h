// Audit events and the rules of their hash chain. The stored format is described in
// docs/audit_log_format.md; keep the two in step.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/time.h"

namespace konfid::domain {

// The actions of 152-FZ Art. 3(3) that Konfid performs, and the consent ledger's events.
enum class Operation {
  kCollect,  // a subject's data enters the vault
  kRecord,
  kSystematize,
  kAccumulate,
  kStore,
  kUpdate,
  kExtract,  // a read of personal data
  kUse,
  kTransfer,
  kDepersonalize,
  kBlock,
  kDelete,
  kDestroy,       // data key destroyed, rows deleted
  kConsentGiven,  // the ledger's events, named "consent_<kind>"
  kConsentWithdrawn,
  kConsentRefused,
  kConsentExpired,
  kConsentRenewed,
  kUnblock,  // a staff decision lifts a block (kBlock places one)
  // A data-subject request moved to a state (domain/requests.h), named "request_<state>".
  kRequestReceived,
  kRequestInProgress,
  kRequestExtended,
  kRequestDone,
  kRequestRefused,
  // A visitor proving who they are (app/self_identity.h).
  kCodeSent,       // "code_sent": a one-time code went out
  kSessionOpened,  // "session_opened": a right code opened a self session
  kSessionClosed,  // "session_closed"
  // A legal hold on a subject's data (app/holds.h).
  kHoldPlaced,  // "hold_placed"
  kHoldLifted,  // "hold_lifted"
};

std::string_view OperationName(Operation op);

enum class Outcome { kOk, kDenied, kFailed };
std::string_view OutcomeName(Outcome outcome);

struct AuditEvent {
  std::string tenant;
  uint64_t seq = 0;  // 1, 2, 3 ... per tenant
  UnixMicros time = 0;
  std::string actor;                // "apikey:<id>", "cli", "system"
  std::string operation;            // OperationName()
  std::string subject_id;           // empty when no subject is known
  std::vector<std::string> fields;  // field names, never values
  std::string purpose;
  std::string ground;
  std::string outcome;  // OutcomeName()
  std::string reason;   // error reason code on denial or failure
  Bytes prev_hash;      // 32 bytes; zeros for seq 1
  Bytes hash;           // 32 bytes
};

inline constexpr size_t kAuditHashSize = 32;

// The bytes the chain MAC covers: every field but `hash`, length-prefixed in a fixed order.
Bytes AuditCanonicalBytes(const AuditEvent& event);

// The MAC over prev_hash || canonical bytes, under the tenant's audit key.
using AuditMac = std::function<Bytes(const Bytes& message)>;

struct ChainBreak {
  uint64_t seq;  // the first event that does not verify (or the missing one)
  std::string what;
};

// Walks events of one tenant in seq order. `head_seq`/`head_hash` are what the tenant's head
// row says the last event is. Returns nullopt when the chain verifies.
class AuditChainVerifier {
 public:
  AuditChainVerifier(AuditMac mac, uint64_t head_seq, Bytes head_hash)
      : mac_(std::move(mac)), head_seq_(head_seq), head_hash_(std::move(head_hash)) {}
  // Feed events in increasing seq order; stops checking after the first break.
  void Add(const AuditEvent& event);
  std::optional<ChainBreak> Finish();

 private:
  AuditMac mac_;
  uint64_t head_seq_;
  Bytes head_hash_;
  uint64_t expected_seq_ = 1;
  Bytes prev_ = Bytes(kAuditHashSize, 0);
  std::optional<ChainBreak> break_;
};

}  // namespace konfid::domain
