#include "domain/audit.h"

namespace konfid::domain {

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kCollect:
      return "collect";
    case Operation::kRecord:
      return "record";
    case Operation::kSystematize:
      return "systematize";
    case Operation::kAccumulate:
      return "accumulate";
    case Operation::kStore:
      return "store";
    case Operation::kUpdate:
      return "update";
    case Operation::kExtract:
      return "extract";
    case Operation::kUse:
      return "use";
    case Operation::kTransfer:
      return "transfer";
    case Operation::kDepersonalize:
      return "depersonalize";
    case Operation::kBlock:
      return "block";
    case Operation::kDelete:
      return "delete";
    case Operation::kDestroy:
      return "destroy";
    case Operation::kConsentGiven:
      return "consent_given";
    case Operation::kConsentWithdrawn:
      return "consent_withdrawn";
    case Operation::kConsentRefused:
      return "consent_refused";
    case Operation::kConsentExpired:
      return "consent_expired";
    case Operation::kConsentRenewed:
      return "consent_renewed";
    case Operation::kUnblock:
      return "unblock";
    case Operation::kRequestReceived:
      return "request_received";
    case Operation::kRequestInProgress:
      return "request_in_progress";
    case Operation::kRequestExtended:
      return "request_extended";
    case Operation::kRequestDone:
      return "request_done";
    case Operation::kRequestRefused:
      return "request_refused";
    case Operation::kCodeSent:
      return "code_sent";
    case Operation::kSessionOpened:
      return "session_opened";
    case Operation::kSessionClosed:
      return "session_closed";
    case Operation::kHoldPlaced:
      return "hold_placed";
    case Operation::kHoldLifted:
      return "hold_lifted";
  }
  return "use";
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kFailed:
      return "failed";
  }
  return "failed";
}

Bytes AuditCanonicalBytes(const AuditEvent& e) {
  Bytes out;
  out.reserve(256);
  AppendLengthPrefixed(out, "konfid-audit-v1");
  AppendLengthPrefixed(out, e.tenant);
  AppendU64(out, e.seq);
  AppendU64(out, static_cast<uint64_t>(e.time));
  AppendLengthPrefixed(out, e.actor);
  AppendLengthPrefixed(out, e.operation);
  AppendLengthPrefixed(out, e.subject_id);
  AppendU64(out, e.fields.size());
  for (const auto& f : e.fields) AppendLengthPrefixed(out, f);
  AppendLengthPrefixed(out, e.purpose);
  AppendLengthPrefixed(out, e.ground);
  AppendLengthPrefixed(out, e.outcome);
  AppendLengthPrefixed(out, e.reason);
  out.insert(out.end(), e.prev_hash.begin(), e.prev_hash.end());
  return out;
}

void AuditChainVerifier::Add(const AuditEvent& e) {
  if (break_) return;
  if (e.seq != expected_seq_) {
    break_ =
        ChainBreak{expected_seq_, e.seq > expected_seq_ ? "event missing" : "event out of order"};
    return;
  }
  if (e.prev_hash != prev_) {
    break_ = ChainBreak{e.seq, "previous hash does not match"};
    return;
  }
  if (mac_(AuditCanonicalBytes(e)) != e.hash) {
    break_ = ChainBreak{e.seq, "hash does not match contents"};
    return;
  }
  prev_ = e.hash;
  ++expected_seq_;
}

std::optional<ChainBreak> AuditChainVerifier::Finish() {
  if (break_) return break_;
  uint64_t last = expected_seq_ - 1;
  if (last < head_seq_) return ChainBreak{last + 1, "events after the last one are missing"};
  if (last > head_seq_) return ChainBreak{head_seq_ + 1, "event beyond the recorded head"};
  if (last > 0 && prev_ != head_hash_) return ChainBreak{last, "head hash does not match"};
  return std::nullopt;
}

}  // namespace konfid::domain
