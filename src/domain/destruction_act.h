// The act of destruction of personal data (Roskomnadzor Order 179 of 28.10.2022): what was
// destroyed, of whom, by whom, how, why and when, with the extract of the audit log that
// records it. app/destruction_acts signs its claims with the tenant's Ed25519 key; the claims'
// format is in docs/retention.md ("Acts of destruction").
//
// The subject is named by Konfid's id only, the data by field and category names: an act holds
// no value of the data it reports destroyed. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/audit.h"
#include "domain/localized.h"
#include "domain/policy.h"

namespace konfid::domain {

// How the data was destroyed.
enum class DestructionMethod {
  // The subject's data key destroyed in the key store, then every row of the subject deleted:
  // no copy of the data, in the database or in a data backup, can be read again.
  kCryptoShredding,
  // The values deleted from the subject's record, what is kept sealed anew under a new key
  // and the old key destroyed (app/rekey.h): copies of the deleted values in data backups
  // taken earlier cannot be read again either.
  kDeletion,
};
std::string_view DestructionMethodName(DestructionMethod method);
std::optional<DestructionMethod> ParseDestructionMethod(std::string_view name);

// Why the data was destroyed.
enum class DestructionReason {
  kSubjectRequest,    // the subject's erasure request (detail: the request id)
  kStaffErasure,      // a staff erasure through the API (DELETE /v1/subjects/{id})
  kRetentionExpired,  // the purposes' terms ended (detail: the purposes)
  kConsentWithdrawn,  // consent withdrawn and its term after withdrawal ended
};
std::string_view DestructionReasonName(DestructionReason reason);
std::optional<DestructionReason> ParseDestructionReason(std::string_view name);

struct DestructionAct {
  std::string id;  // 32 hex, ordered by time
  std::string tenant;
  UnixMicros destroyed_at = 0;
  struct Party {
    std::string id;  // the policy's recipient id; empty for the operator
    Localized name;
    Localized address;
    std::string inn, ogrn, country;
  };
  Party op;                       // the operator
  std::vector<Party> processors;  // processors the policy gives the destroyed data to
  std::string subject;            // Konfid's subject id
  struct Category {
    std::string field;  // the catalogue's field name
    std::string id;     // the policy's category id
    Localized label;    // the field's label
    Localized name;     // the category's name
  };
  std::vector<Category> destroyed;
  struct Kept {
    std::string field;
    std::string purpose;
    std::string until;  // YYYY-MM-DD; empty when no end is known
    Localized label;    // the field's, as the policy names it (MakeDestructionAct)
    Localized purpose_name;
  };
  std::vector<Kept> kept;  // what a legal obligation keeps, blocked
  std::string information_system;
  DestructionMethod method = DestructionMethod::kCryptoShredding;
  DestructionReason reason = DestructionReason::kStaffErasure;
  std::string reason_detail;
  // For retention_expired and consent_withdrawn: the purposes of reason_detail, with their
  // names as the policy gives them. Written only when there are some (an act from before
  // they were reads back the same).
  struct PurposeRef {
    std::string id;
    Localized name;
  };
  std::vector<PurposeRef> purposes;
  std::string actor;              // "apikey:<id>", "system:retention"
  std::string actor_role;         // the API key's role; empty for a job
  std::vector<AuditEvent> audit;  // the extract: the events the destruction appended
};

// What the one who destroys knows; MakeDestructionAct adds what the policy says.
struct DestructionFacts {
  std::string id;
  std::string subject;
  UnixMicros destroyed_at = 0;
  std::vector<std::string> destroyed;  // field names
  std::vector<DestructionAct::Kept> kept;
  DestructionMethod method = DestructionMethod::kCryptoShredding;
  DestructionReason reason = DestructionReason::kStaffErasure;
  std::string reason_detail;
  std::string actor, actor_role;
  std::vector<AuditEvent> audit;
};

// The act, with the operator, the processors that receive any destroyed field, and each
// destroyed field's label and category, as the policy in force names them. The information
// system is `information_system` when the policy names one, else "Konfid (<tenant>)".
DestructionAct MakeDestructionAct(const TenantPolicy& policy, DestructionFacts facts);

// The claims that are signed: JSON with members in a fixed order, so that the same act gives
// the same bytes (hashes as lowercase hex, times RFC 3339).
std::string DestructionActClaims(const DestructionAct& act);

// The act is about one subject and its extract records it: each event names the subject,
// the seqs follow one another and each event's prev_hash is the hash before it. Ok, or
// InvalidArgument saying what does not hold.
Status CheckActExtract(const DestructionAct& act);

}  // namespace konfid::domain
