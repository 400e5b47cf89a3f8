// The notice of data received from someone else (152-FZ Art. 18(3)): each item the article
// lists, in both languages and under each law, and no value of personal data.
#include "text/source_notice.h"

#include <gtest/gtest.h>

#include "text/example_policy_test.h"

namespace konfid::text {
namespace {

// The example policy with its city and phone received from a partner.
domain::TenantPolicy FromPartner() {
  domain::TenantPolicy p = Example();
  std::vector<domain::FieldSpec> fields = p.catalogue.fields();
  for (domain::FieldSpec& f : fields) {
    if (f.name != "city" && f.name != "phone") continue;
    f.source = "third_party";
    f.source_name = {"ООО «Партнёр»", "Partner LLC"};
  }
  p.catalogue = domain::FieldCatalogue(fields);
  return p;
}

void ExpectAll(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_NE(text.find(part), std::string::npos) << part << text;
}

TEST(SourceNotice, NamesTheOperatorTheSourceThePurposesTheRecipientsAndTheRights) {
  domain::TenantPolicy p = FromPartner();
  auto ru = RenderSourceNotice(p, {"city", "phone"}, Lang::kRu);
  ASSERT_TRUE(ru) << ru.error().message();
  EXPECT_TRUE(ru->subject.starts_with("Уведомление о получении ваших персональных данных — "))
      << ru->subject;
  ExpectAll(ru->body, {p.op.legal_name.ru, p.op.address.ru,
                       "от ООО «Партнёр»: город, номер телефона", "правовые основания",
                       "Роскомнадзор", "частью 3 статьи 18", p.publication.url, p.op.email});
  EXPECT_EQ(ru->body.find("{{"), std::string::npos) << ru->body;
  EXPECT_EQ(ru->body.find("\n\n\n"), std::string::npos) << ru->body;
  // Each purpose that uses a received field, with its ground.
  for (const domain::Purpose& purpose : p.purposes) {
    bool uses =
        std::find(purpose.fields.begin(), purpose.fields.end(), "city") != purpose.fields.end() ||
        std::find(purpose.fields.begin(), purpose.fields.end(), "phone") != purpose.fields.end();
    EXPECT_EQ(ru->body.find(purpose.name.ru) != std::string::npos, uses) << purpose.id;
  }
  auto en = RenderSourceNotice(p, {"city"}, Lang::kEn);
  ASSERT_TRUE(en);
  ExpectAll(en->body, {"from Partner LLC: city", "Article 18(3) of Federal Law No. 152-FZ"});

  domain::TenantPolicy eu = p;
  eu.jurisdiction = "eu-gdpr";
  MailText eu_text = *RenderSourceNotice(eu, {"city"}, Lang::kEn);
  ExpectAll(eu_text.body, {"supervisory authority", "to object", "machine-readable"});
  EXPECT_EQ(eu_text.body.find("Article"), std::string::npos);  // only 152-FZ's is cited
  domain::TenantPolicy ua = p;
  ua.jurisdiction = "ua-2297";
  ExpectAll(RenderSourceNotice(ua, {"city"}, Lang::kRu)->body,
            {"обратиться с жалобой к Уполномоченному Верховной Рады Украины"});
  EXPECT_EQ(RenderSourceNotice(ua, {"city"}, Lang::kRu)->body.find("статьи 18"), std::string::npos);
}

TEST(SourceNotice, OnlyFieldsReceivedFromAThirdPartyAreNoticed) {
  domain::TenantPolicy p = FromPartner();
  EXPECT_FALSE(RenderSourceNotice(p, {}, Lang::kRu));
  EXPECT_FALSE(RenderSourceNotice(p, {"surname"}, Lang::kRu));  // the subject gave it
  EXPECT_FALSE(RenderSourceNotice(p, {"shoe_size"}, Lang::kRu));
}

}  // namespace
}  // namespace konfid::text
