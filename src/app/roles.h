// Roles of API keys and what each may do with personal data.
#pragma once

#include <optional>
#include <string_view>

#include "domain/audit.h"

namespace konfid::app {

enum class Role { kAdmin, kOperator, kSupport, kMarketing, kAnalyst, kProcessor };

std::optional<Role> ParseRole(std::string_view name);
std::string_view RoleName(Role role);

// Whether `role` may perform `op` on a subject's data. Least privilege: analysts work on
// depersonalized data only and get no subject operations; marketing reads come with
// purpose-bound reads later.
bool RoleAllows(Role role, domain::Operation op);

}  // namespace konfid::app
