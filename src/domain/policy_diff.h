// What changed between two versions of a tenant's policy, in the terms a lawyer reads:
// purposes, fields, recipients, grounds and terms added, removed, widened or narrowed.
// A change that adds a purpose, field or recipient, or widens one, is material: it needs
// notice and, for the new use, fresh consent.
#pragma once

#include <string>
#include <vector>

#include "domain/policy.h"

namespace konfid::domain {

struct PolicyChange {
  enum class Kind { kAdded, kRemoved, kWidened, kNarrowed, kChanged };
  Kind kind = Kind::kChanged;
  std::string element;  // "purpose 'newsletter'", "field 'phone'", "recipient 'mailer'", ...
  std::string detail;   // "fields: + phone", "retention: 1 year -> 3 years", ...
  bool material = false;
};

// Changes from `before` to `after`, purposes first, then fields, recipients, cookies and the
// rest. Empty when the two declare the same policy (comments and order do not count).
std::vector<PolicyChange> DiffPolicies(const TenantPolicy& before, const TenantPolicy& after);

bool AnyMaterial(const std::vector<PolicyChange>& changes);

// One line per change: "widened  purpose 'newsletter': fields: + phone  [material]".
std::string FormatChange(const PolicyChange& change);

}  // namespace konfid::domain
