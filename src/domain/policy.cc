#include "domain/policy.h"

#include <set>

namespace konfid::domain {

bool IsValidTenantId(std::string_view id) {
  if (id.empty() || id.size() > 63 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

Status CheckPolicy(const TenantPolicy& policy) {
  auto bad = [&](std::string what) {
    return Fail(ErrorCode::kInvalidArgument, "policy of tenant '" + policy.tenant + "': " + what);
  };
  if (!IsValidTenantId(policy.tenant))
    return Fail(ErrorCode::kInvalidArgument,
                "tenant id must be 1-63 characters of a-z, 0-9 and '-', starting with a letter");
  if (policy.default_region.size() != 2) return bad("default_region must be a two-letter code");
  std::set<std::string> names;
  for (const auto& f : policy.catalogue.fields()) {
    if (f.name.empty()) return bad("a field has no name");
    if (!names.insert(f.name).second) return bad("field '" + f.name + "' is declared twice");
    if (f.lookup && f.type != FieldType::kEmail && f.type != FieldType::kPhone)
      return bad("field '" + f.name + "' has lookup, which only email and phone fields allow");
    if (f.type == FieldType::kEnum && f.values.empty())
      return bad("enum field '" + f.name + "' lists no values");
    if (f.max_length == 0 || f.max_length > 4096)
      return bad("field '" + f.name + "' max_length must be 1..4096");
  }
  std::set<std::string> purpose_ids;
  for (const auto& p : policy.purposes) {
    if (!purpose_ids.insert(p.id).second) return bad("purpose '" + p.id + "' is declared twice");
    for (const auto& f : p.fields)
      if (!names.contains(f)) return bad("purpose '" + p.id + "' names unknown field '" + f + "'");
  }
  return Ok();
}

}  // namespace konfid::domain
