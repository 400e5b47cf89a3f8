#include "app/receipts.h"

#include <gtest/gtest.h>

#include "adapters/crypto/sodium_crypto.h"
#include "core/encoding.h"

namespace konfid::app {
namespace {

TEST(Receipts, ClaimsCarryTheConsentAndTheSignatureCoversThem) {
  auto crypto = std::move(*adapters::SodiumCrypto::Create());
  domain::TenantPolicy policy;
  policy.tenant = "demo";
  policy.op.legal_name = {"ООО «Демо»", "Demo LLC"};
  policy.publication.url = "https://demo.example/privacy";
  policy.catalogue = domain::FieldCatalogue({{"email", domain::FieldType::kEmail}});
  domain::Purpose news;
  news.id = "news";
  news.ground = "consent";
  news.fields = {"email"};
  news.retention = domain::ParseRetention("1 year");
  policy.purposes = {news};
  domain::ConsentEvent event;
  event.id = std::string(32, 'a');
  event.purpose = "news";
  event.time = 1'800'000'000'000'000;
  event.method = "form";
  event.policy_version = 3;
  event.text_hash = std::string(64, 'b');
  std::string claims = ReceiptClaims(policy, "subj", event, "en");
  for (const char* part :
       {R"("version":"KI-CR-v1.1.0")", R"("consentTimestamp":1800000000)",
        R"("piiPrincipalId":"subj")", R"("piiController":"Demo LLC")", R"("piiCategory":["email"])",
        R"("termination":"1 year")", R"("policy_version":3)", R"("event":"given")"})
    EXPECT_NE(claims.find(part), std::string::npos) << part << "\n" << claims;

  auto key = crypto->NewSigningKey();
  std::string jws = SignReceipt(*crypto, key.secret_key, "demo-1", claims);
  auto back = VerifyReceipt(*crypto, key.public_key, jws);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, claims);
  // Changing a claim, re-encoding it, breaks the signature.
  size_t a = jws.find('.'), b = jws.rfind('.');
  std::string changed = claims;
  changed.replace(changed.find("\"given\""), 7, "\"other\"");
  std::string forged = jws.substr(0, a + 1) + Base64UrlEncode(AsBytes(changed)) + jws.substr(b);
  EXPECT_EQ(VerifyReceipt(*crypto, key.public_key, forged).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(VerifyReceipt(*crypto, key.public_key, "not-a-jws").error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace konfid::app
