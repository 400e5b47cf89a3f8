#include "domain/disclosure.h"

#include <array>

namespace konfid::domain {

namespace {

struct Named {
  DisclosureGround ground;
  std::string_view name;
};

constexpr std::array kGrounds = {
    Named{DisclosureGround::kConsent, "consent"},
    Named{DisclosureGround::kContract, "contract"},
    Named{DisclosureGround::kLegalObligation, "legal_obligation"},
    Named{DisclosureGround::kLegitimateInterest, "legitimate_interest"},
    Named{DisclosureGround::kAuthorityRequest, "authority_request"},
    Named{DisclosureGround::kProtectionOfRights, "protection_of_rights"},
};

}  // namespace

std::optional<DisclosureGround> ParseDisclosureGround(std::string_view name) {
  for (const auto& g : kGrounds)
    if (g.name == name) return g.ground;
  return std::nullopt;
}

std::string_view DisclosureGroundName(DisclosureGround ground) {
  for (const auto& g : kGrounds)
    if (g.ground == ground) return g.name;
  return "consent";
}

bool RestsOnDocument(DisclosureGround ground) {
  return ground == DisclosureGround::kAuthorityRequest ||
         ground == DisclosureGround::kProtectionOfRights;
}

}  // namespace konfid::domain
