// News of a request for its subject: each state the subject is told of, in both languages,
// with the dates as each language writes them, the staff's reasons, and where a refusal is
// challenged under the tenant's law; in_progress and unknown kinds are not news.
#include "text/request_news.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "text/example_policy_test.h"

namespace konfid::text {
namespace {

RequestNews News(const std::string& kind, const std::string& state) {
  return {"0195f0a1b2c3d4e5f60718293a4b5c6d",
          kind,
          state,
          "2026-12-02",
          "2026-12-16",
          state == "done" || state == "refused" ? "2026-12-10" : "",
          state == "extended" || state == "refused" ? "нужны сведения из архива" : "",
          state == "refused" ? "часть 8 статьи 14 Федерального закона № 152-ФЗ" : "",
          "self"};
}

MailText Render(const domain::TenantPolicy& policy, const RequestNews& news, Lang lang) {
  auto text = RenderRequestNews(policy, news, lang);
  EXPECT_TRUE(text) << text.error().message();
  if (!text) return {};
  EXPECT_EQ(text->body.find("{{"), std::string::npos) << text->body;
  EXPECT_EQ(text->body.find("\n\n\n"), std::string::npos) << text->body;
  return *text;
}

void ExpectAll(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_NE(text.find(part), std::string::npos) << part << text;
}

TEST(RequestNews, AReceivedRequestNamesItsKindNumberAndTerm) {
  domain::TenantPolicy p = Example();
  MailText ru = Render(p, News("access", "received"), Lang::kRu);
  EXPECT_TRUE(ru.subject.starts_with("Ваше обращение получено — ")) << ru.subject;
  ExpectAll(
      ru.body,
      {"получил ваше обращение 02.12.2026", "получение сведений об обработке персональных данных",
       "0195f0a1b2c3d4e5f60718293a4b5c6d", "не позднее 16.12.2026", p.publication.url, p.op.email});
  MailText en = Render(p, News("access", "received"), Lang::kEn);
  EXPECT_TRUE(en.subject.starts_with("Your request has been received — ")) << en.subject;
  ExpectAll(en.body, {"On 2026-12-02", "no later than 2026-12-16"});

  RequestNews no_term = News("rectification", "received");
  no_term.due_on.clear();  // no calendar reaches it
  ExpectAll(Render(p, no_term, Lang::kRu).body, {"в срок, установленный законом"});
}

TEST(RequestNews, AnExtensionAndARefusalGiveTheReasons) {
  domain::TenantPolicy p = Example();
  MailText extended = Render(p, News("access", "extended"), Lang::kRu);
  EXPECT_TRUE(extended.subject.starts_with("Срок ответа на ваше обращение продлён"))
      << extended.subject;
  ExpectAll(extended.body,
            {"Причины продления срока: нужны сведения из архива", "не позднее 16.12.2026"});
  MailText refused = Render(p, News("erasure", "refused"), Lang::kRu);
  ExpectAll(refused.body,
            {"Причины отказа: нужны сведения из архива",
             "Правовое основание отказа: часть 8 статьи 14 Федерального закона № 152-ФЗ",
             "Роскомнадзор", "статья 17 Федерального закона"});
  MailText refused_en = Render(p, News("erasure", "refused"), Lang::kEn);
  ExpectAll(refused_en.body,
            {"Reasons for the refusal: ", "Legal ground for the refusal: ", "Roskomnadzor"});
  // Only a refusal has a ground.
  EXPECT_EQ(extended.body.find("основание"), std::string::npos) << extended.body;

  domain::TenantPolicy eu = p;
  eu.jurisdiction = "eu-gdpr";
  ExpectAll(Render(eu, News("erasure", "refused"), Lang::kEn).body,
            {"supervisory authority", "Articles 77 and 79"});
  domain::TenantPolicy ua = p;
  ua.jurisdiction = "ua-2297";
  ExpectAll(Render(ua, News("erasure", "refused"), Lang::kRu).body,
            {"к Уполномоченному Верховной Рады Украины", "№ 2297-VI"});
}

TEST(RequestNews, ADoneRequestSaysWhatItsKindDid) {
  domain::TenantPolicy p = Example();
  MailText stop = Render(p, News("stop_processing", "done"), Lang::kRu);
  EXPECT_TRUE(stop.subject.starts_with("Ваше обращение удовлетворено")) << stop.subject;
  ExpectAll(stop.body, {"удовлетворено 10.12.2026", "на основании согласия прекращена"});
  ExpectAll(Render(p, News("blocking", "done"), Lang::kEn).body,
            {"fulfilled on 2026-12-10", "restricted"});
  ExpectAll(Render(p, News("objection", "done"), Lang::kRu).body, {"рекламные сообщения"});
  MailText access = Render(p, News("access", "done"), Lang::kRu);
  EXPECT_EQ(access.body.find("прекращена"), std::string::npos) << access.body;
  ExpectAll(Render(p, News("erasure", "done"), Lang::kRu).body,
            {"Ваши персональные данные уничтожены", "удалены из хранилища оператора"});
  ExpectAll(Render(p, News("erasure", "done"), Lang::kEn).body,
            {"Your personal data has been destroyed"});
  // Under 152-FZ a stop leaves legitimate interests alone (Art. 21(5.1)); under the GDPR
  // it stops them too (Art. 21(1)), which the news says when the policy has any.
  EXPECT_EQ(stop.body.find("законных интересах"), std::string::npos) << stop.body;
  p.jurisdiction = "eu-gdpr";
  EXPECT_EQ(Render(p, News("stop_processing", "done"), Lang::kRu).body.find("законных интересах"),
            std::string::npos);
  p.purposes[0].ground = "legitimate_interest";
  ExpectAll(Render(p, News("stop_processing", "done"), Lang::kRu).body,
            {"Прекращена и обработка ваших персональных данных в законных интересах"});
  ExpectAll(Render(p, News("stop_processing", "done"), Lang::kEn).body,
            {"legitimate interests of the operator or of third parties has stopped as well"});
}

TEST(RequestNews, AFulfilledAccessRequestSaysWhereTheReplyIs) {
  domain::TenantPolicy p = Example();
  RequestNews news = News("access", "done");
  ExpectAll(Render(p, news, Lang::kRu).body, {"доступны в личном кабинете", "одноразовому коду"});
  ExpectAll(Render(p, news, Lang::kEn).body, {"available in the personal cabinet"});
  news.channel = "letter";
  ExpectAll(Render(p, news, Lang::kRu).body, {"направляются вам письмом по адресу"});
  ExpectAll(Render(p, news, Lang::kEn).body, {"being sent to you by post"});
  news.channel = "email";
  ExpectAll(Render(p, news, Lang::kRu).body, {"по электронной почте в ответ на ваше письмо"});
  news.channel = "in_person";
  ExpectAll(Render(p, news, Lang::kEn).body, {"given to you in person"});
  // Other kinds done say nothing of a reply.
  EXPECT_EQ(Render(p, News("erasure", "done"), Lang::kRu).body.find("Сведения о ваших"),
            std::string::npos);
}

TEST(RequestNews, WorkInProgressAndUnknownKindsAreNotNews) {
  domain::TenantPolicy p = Example();
  EXPECT_FALSE(RenderRequestNews(p, News("access", "in_progress"), Lang::kRu));
  EXPECT_FALSE(RenderRequestNews(p, News("complaint", "received"), Lang::kRu));
}

}  // namespace
}  // namespace konfid::text
