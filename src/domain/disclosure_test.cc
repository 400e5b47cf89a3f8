#include "domain/disclosure.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TEST(DisclosureGround, NamesReadBackAndUnknownOnesAreRefused) {
  for (auto g : {DisclosureGround::kConsent, DisclosureGround::kContract,
                 DisclosureGround::kLegalObligation, DisclosureGround::kLegitimateInterest,
                 DisclosureGround::kAuthorityRequest, DisclosureGround::kProtectionOfRights})
    EXPECT_EQ(ParseDisclosureGround(DisclosureGroundName(g)), g);
  EXPECT_EQ(DisclosureGroundName(DisclosureGround::kAuthorityRequest), "authority_request");
  EXPECT_FALSE(ParseDisclosureGround(""));
  EXPECT_FALSE(ParseDisclosureGround("Consent"));
  EXPECT_FALSE(ParseDisclosureGround("vital_interest"));
}

TEST(DisclosureGround, OnlyAuthorityRequestsAndClaimsRestOnADocument) {
  EXPECT_TRUE(RestsOnDocument(DisclosureGround::kAuthorityRequest));
  EXPECT_TRUE(RestsOnDocument(DisclosureGround::kProtectionOfRights));
  EXPECT_FALSE(RestsOnDocument(DisclosureGround::kConsent));
  EXPECT_FALSE(RestsOnDocument(DisclosureGround::kContract));
  EXPECT_FALSE(RestsOnDocument(DisclosureGround::kLegalObligation));
  EXPECT_FALSE(RestsOnDocument(DisclosureGround::kLegitimateInterest));
}

}  // namespace
}  // namespace konfid::domain
