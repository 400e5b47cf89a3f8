#include "app/roles.h"

#include <array>
#include <initializer_list>

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

namespace {

constexpr unsigned Roles(std::initializer_list<Role> roles) {
  unsigned mask = 0;
  for (Role r : roles) mask |= 1u << static_cast<unsigned>(r);
  return mask;
}

struct Grant {
  Permission permission;
  unsigned roles;            // bit per Role
  bool checked_by_use_case;  // see CheckedByUseCase
  std::string_view refusal;
};

using enum Role;
// The permission table. The use cases on personal data check it themselves (Kernel::Permit),
// so that a refusal is audited; the route table checks the others.
constexpr std::array kGrants = {
    Grant{Permission::kNone, Roles({kAdmin, kOperator, kSupport, kMarketing, kAnalyst, kProcessor}),
          false, ""},
    Grant{Permission::kSubjectsCreate, Roles({kAdmin, kOperator}), true,
          "this API key's role may not create subjects"},
    Grant{Permission::kSubjectsRead, Roles({kAdmin, kOperator, kSupport, kProcessor}), true,
          "this API key's role may not read subjects"},
    Grant{Permission::kSubjectsUpdate, Roles({kAdmin, kOperator, kSupport}), true,
          "this API key's role may not update subjects"},
    Grant{Permission::kSubjectsDelete, Roles({kAdmin, kOperator}), true,
          "this API key's role may not delete subjects"},
    Grant{Permission::kRegister, Roles({kAdmin, kOperator}), true,
          "this API key's role may not register"},
    Grant{Permission::kConsentsRecord, Roles({kAdmin, kOperator}), true,
          "this API key's role may not record consent"},
    Grant{Permission::kConsentsRead, Roles({kAdmin, kOperator, kSupport, kMarketing}), true,
          "this API key's role may not read consents"},
    Grant{Permission::kReceiptsRead, Roles({kAdmin, kOperator, kSupport, kMarketing}), true,
          "this API key's role may not read receipts"},
    Grant{Permission::kMarketingSend, Roles({kAdmin, kOperator, kMarketing}), true,
          "this API key's role may not send marketing"},
    Grant{Permission::kPolicyPublish, Roles({kAdmin}), false,
          "only an admin key may publish the policy"},
    Grant{Permission::kApiKeysManage, Roles({kAdmin}), false,
          "only an admin key may manage API keys"},
    Grant{Permission::kJobsRun, Roles({kAdmin}), false, "only an admin key may run jobs"},
    Grant{Permission::kRequestsRead, Roles({kAdmin, kOperator, kSupport}), true,
          "this API key's role may not read data-subject requests"},
    Grant{Permission::kRequestsManage, Roles({kAdmin, kOperator, kSupport}), true,
          "this API key's role may not handle data-subject requests"},
    Grant{Permission::kSubjectsBlock, Roles({kAdmin, kOperator}), true,
          "this API key's role may not block or unblock subjects"},
    Grant{Permission::kDisclosuresMake, Roles({kAdmin, kOperator}), true,
          "this API key's role may not disclose subjects' data"},
    Grant{Permission::kDisclosuresRead, Roles({kAdmin, kOperator, kSupport}), true,
          "this API key's role may not read the disclosures made"},
    Grant{Permission::kSubjectsReadKept, Roles({kAdmin, kOperator}), true,
          "this API key's role may not read what an erasure kept for a legal obligation"},
    Grant{Permission::kSubjectsHold, Roles({kAdmin, kOperator}), true,
          "this API key's role may not place or lift legal holds"},
    Grant{Permission::kActsRead, Roles({kAdmin, kOperator}), true,
          "this API key's role may not read the acts of destruction"},
    Grant{Permission::kStatsRead, Roles({kAdmin, kOperator, kAnalyst}), false,
          "this API key's role may not read statistics"},
    Grant{Permission::kExportDepersonalized, Roles({kAdmin, kAnalyst}), true,
          "this API key's role may not export depersonalized data"},
    Grant{Permission::kExportReidentify, Roles({kAdmin}), true,
          "this API key's role may not turn a pseudonym back into its subject"},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kGrants.size(); ++i)
    if (static_cast<size_t>(kGrants[i].permission) != i) return false;
  return true;
}
static_assert(InEnumOrder() &&
                  kGrants.size() == 1 + static_cast<size_t>(Permission::kExportReidentify),
              "one row per Permission, in the enum's order");

const Grant& GrantOf(Permission p) { return kGrants[static_cast<size_t>(p)]; }

}  // namespace

bool RoleMay(Role role, Permission permission) {
  return (GrantOf(permission).roles >> static_cast<unsigned>(role)) & 1u;
}

std::string_view RefusalMessage(Permission permission) { return GrantOf(permission).refusal; }

bool CheckedByUseCase(Permission permission) { return GrantOf(permission).checked_by_use_case; }

}  // namespace konfid::app
