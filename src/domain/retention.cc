#include "domain/retention.h"

#include <algorithm>

namespace konfid::domain {

namespace {

constexpr UnixMicros kGrace = kGraceDays * kMicrosPerDay;

UnixMicros ConsentHeldUntil(const Purpose& purpose, const RetentionFacts& facts) {
  auto it = facts.consents.find(purpose.id);
  if (it == facts.consents.end() || !it->second.last) return facts.collected_at + kGrace;
  const ConsentState& s = it->second;
  switch (*s.last) {
    case ConsentKind::kGiven:
    case ConsentKind::kRenewed:
      // Live, or given under an earlier version and waiting for renewal: its term still runs.
      return s.expires_at != 0 ? s.expires_at : kHeldIndefinitely;
    case ConsentKind::kExpired:
      return s.since;
    case ConsentKind::kWithdrawn:
    case ConsentKind::kRefused:
      return s.since + kGrace;
  }
  return facts.collected_at + kGrace;
}

bool Lists(const Purpose& purpose, const std::string& field) {
  return std::find(purpose.fields.begin(), purpose.fields.end(), field) != purpose.fields.end();
}

// A legal obligation is the subject's only when they hold every field it lists (the record the
// law asks for exists), or when they were erased and it is one they were kept for (the record
// was complete then, whatever the policy lists now); every other purpose is everyone's.
bool AppliesTo(const Purpose& purpose, const std::vector<std::string>& held,
               const RetentionFacts& facts) {
  if (purpose.ground != "legal_obligation" || facts.kept.contains(purpose.id)) return true;
  return std::all_of(purpose.fields.begin(), purpose.fields.end(), [&](const std::string& f) {
    return std::find(held.begin(), held.end(), f) != held.end();
  });
}

}  // namespace

UnixMicros HeldUntil(const Purpose& purpose, const RetentionFacts& facts) {
  std::string_view from = RetentionStart(purpose);
  if (purpose.ground == "consent") return ConsentHeldUntil(purpose, facts);
  if (!purpose.retention) return kHeldIndefinitely;  // a term the policy check refuses
  if (from == "collection") return AddRetention(facts.collected_at, *purpose.retention);
  auto ended = facts.contract_ends.find(purpose.id);
  if (ended == facts.contract_ends.end()) return kHeldIndefinitely;  // the contract goes on
  return AddRetention(ended->second, *purpose.retention);
}

std::vector<FieldPlan> PlanRetention(const TenantPolicy& policy,
                                     const std::vector<std::string>& held,
                                     const RetentionFacts& facts) {
  std::vector<FieldPlan> out;
  out.reserve(held.size());
  for (const auto& field : held) {
    FieldPlan plan{field, facts.collected_at + kGrace, "", "destroy"};
    for (const auto& purpose : policy.purposes) {
      if (!Lists(purpose, field) || !facts.Holds(purpose.id) || !AppliesTo(purpose, held, facts))
        continue;
      UnixMicros until = HeldUntil(purpose, facts);
      if (plan.purpose.empty() || until > plan.until) {
        plan.until = until;
        plan.purpose = purpose.id;
        plan.on_expiry = purpose.on_expiry;
      }
    }
    out.push_back(std::move(plan));
  }
  return out;
}

std::vector<FieldPlan> KeptAtErasure(const TenantPolicy& policy,
                                     const std::vector<std::string>& held,
                                     const RetentionFacts& facts, UnixMicros now) {
  std::vector<FieldPlan> out;
  for (const auto& field : held) {
    FieldPlan plan{field, 0, "", "destroy"};
    for (const auto& purpose : policy.purposes) {
      if (purpose.ground != "legal_obligation" || !Lists(purpose, field) ||
          !facts.Holds(purpose.id) || !AppliesTo(purpose, held, facts))
        continue;
      UnixMicros until = HeldUntil(purpose, facts);
      if (until > now && until > plan.until) plan = {field, until, purpose.id, purpose.on_expiry};
    }
    if (!plan.purpose.empty()) out.push_back(std::move(plan));
  }
  return out;
}

}  // namespace konfid::domain
