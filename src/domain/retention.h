// The retention plan: for each field a subject holds, until when some purpose of the policy
// in force still holds it, and what happens to it then. Pure functions; the retention job
// (app/retention.h) destroys what the plan says is due.
//
// A purpose holds the fields it lists:
//   consent ground        while the consent is given (its term: the purpose's retention from
//                         when it was given or renewed); once it expired, until the expiry;
//                         once it was withdrawn or refused, or while it was never asked,
//                         for kGraceDays more (from the event, or from collection);
//   retention_from        the purpose's retention from the last write of the subject's data
//     = "collection"      (legal obligations and legitimate interests by default);
//   retention_from        the purpose's retention from when the site said the subject's
//     = "contract_end"    contract for it ended; with no end while it has not said so.
// A purpose on a legal obligation holds nothing of a subject who does not hold every field it
// lists (the record the law asks for was never made), unless the subject was erased and it is
// one of those kept for (the record was complete then). A purpose stopped for the subject (an
// objection upheld) holds nothing, nor, once the subject
// is erased, any purpose but those the erasure kept fields for. A field is held until
// the latest of its purposes lets it go; a field no purpose lists any more, or only stopped
// ones, is held for kGraceDays from collection.
#pragma once

#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/consent.h"
#include "domain/policy.h"

namespace konfid::domain {

// Days the data of a consent that ended otherwise than by its term is still kept: the 29th
// day after the withdrawal, inside the 30 days of 152-FZ Art. 21(5), so that a job that runs
// hourly or daily destroys it in time.
inline constexpr int64_t kGraceDays = 29;
// `until` of a field a purpose holds with no end known.
inline constexpr UnixMicros kHeldIndefinitely = std::numeric_limits<UnixMicros>::max();

struct FieldPlan {
  std::string field;
  UnixMicros until = 0;   // when it is let go; kHeldIndefinitely when no end is known
  std::string purpose;    // the purpose that holds it longest; empty when none lists it
  std::string on_expiry;  // that purpose's: destroy or depersonalize
  bool DueAt(UnixMicros now) const { return until <= now; }
};

struct RetentionFacts {
  UnixMicros collected_at = 0;                      // the last write of the subject's data
  std::map<std::string, ConsentState> consents;     // DeriveConsents
  std::map<std::string, UnixMicros> contract_ends;  // by purpose: when its contract ended
  std::set<std::string> stopped;  // purposes stopped for the subject (domain/blocking.h)
  std::set<std::string> kept;     // erased: the purposes that alone hold what is left
  bool Holds(const std::string& purpose) const {
    return !stopped.contains(purpose) && (kept.empty() || kept.contains(purpose));
  }
};

// One plan a field of `held`, in its order.
std::vector<FieldPlan> PlanRetention(const TenantPolicy& policy,
                                     const std::vector<std::string>& held,
                                     const RetentionFacts& facts);

// What an erasure at `now` keeps of `held`: each field that a purpose on a legal obligation
// (ground legal_obligation) still holds for the subject, with the one that holds it longest
// and until when; in `held`'s order. Everything else is destroyed (152-FZ Art. 21(5) allows
// keeping what a federal law obliges the operator to keep; GDPR Art. 17(3)(b)).
std::vector<FieldPlan> KeptAtErasure(const TenantPolicy& policy,
                                     const std::vector<std::string>& held,
                                     const RetentionFacts& facts, UnixMicros now);

// Until when `purpose` holds its fields for this subject.
UnixMicros HeldUntil(const Purpose& purpose, const RetentionFacts& facts);

}  // namespace konfid::domain
