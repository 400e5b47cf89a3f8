#include "app/roles.h"

namespace konfid::app {

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  if (name == "support") return Role::kSupport;
  if (name == "marketing") return Role::kMarketing;
  if (name == "analyst") return Role::kAnalyst;
  if (name == "processor") return Role::kProcessor;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kSupport:
      return "support";
    case Role::kMarketing:
      return "marketing";
    case Role::kAnalyst:
      return "analyst";
    case Role::kProcessor:
      return "processor";
  }
  return "analyst";
}

bool RoleAllows(Role role, domain::Operation op) {
  using domain::Operation;
  switch (op) {
    case Operation::kCollect:
    case Operation::kDestroy:
      return role == Role::kAdmin || role == Role::kOperator;
    case Operation::kUpdate:
      return role == Role::kAdmin || role == Role::kOperator || role == Role::kSupport;
    case Operation::kExtract:
      return role == Role::kAdmin || role == Role::kOperator || role == Role::kSupport ||
             role == Role::kProcessor;
    default:
      return role == Role::kAdmin;
  }
}

}  // namespace konfid::app
