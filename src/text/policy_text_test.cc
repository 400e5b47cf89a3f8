// The generated texts: every element a Russian privacy policy must carry is in the text of
// the example policy, and what the file adds shows up in the text.
#include "text/policy_text.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "text/example_policy_test.h"

namespace konfid::text {
namespace {

std::string Render(const domain::TenantPolicy& p, const std::string& doc, Lang lang,
                   Format format = Format::kMarkdown) {
  auto r = RenderDocument(p, doc, lang, format, {3, "2026-12-01"});
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : "";
}

void ExpectAll(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_NE(text.find(part), std::string::npos) << part;
}

TEST(PolicyText, RussianPolicyHasEveryElement) {
  auto p = Example();
  std::string html = Render(p, "policy", Lang::kRu, Format::kHtml);
  // One section per element: operator, legal ground, purposes, categories, actions and
  // methods, terms, where the data is stored, recipients, cross-border transfers, cookies,
  // rights, withdrawal, data made public, protection, changes.
  for (const char* id : {"operator", "law", "purposes", "categories", "actions", "retention",
                         "storage", "recipients", "cross-border", "cookies", "rights", "withdrawal",
                         "public-data", "protection", "changes"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  std::string md = Render(p, "policy", Lang::kRu);
  ExpectAll(
      md,
      {
          "Редакция № 3, действует с 01.12.2026",
          "ООО «Демо Курсы»",
          "ИНН: 7701234567",
          "ОГРН: 1027700123456",
          "125009, г. Москва, ул. Примерная, д. 1, офис 10",
          "privacy@demo.example",
          "Иванова Анна Сергеевна",
          "№ 152-ФЗ «О персональных данных»",
          // each purpose with its ground, data, actions, method and term
          "Регистрация и исполнение договора",
          "п. 5 ч. 1 ст. 6 152-ФЗ",
          "Рассылка новостей и предложений",
          "п. 1 ч. 1 ст. 6 152-ФЗ",
          "Персональные данные: фамилия, имя, отчество, адрес электронной почты, номер "
          "телефона.",
          "сбор, запись, систематизация",
          "смешанная обработка",
          "Срок обработки и хранения: срок действия договора и ещё 3 года после его прекращения;",
          "Ответы на обращения: срок действия договора и ещё 1 год после его прекращения; затем",
          "2 года",
          "1 год со дня получения или последнего подтверждения согласия; затем данные "
          "обезличиваются или уничтожаются",
          // categories
          "**Контактные данные**: адрес электронной почты (обязательно), номер телефона.",
          // storage and localization
          "находится в стране: Россия",
          "ч. 5 ст. 18 152-ФЗ",
          // recipients and transfers
          "**ООО «Рассыльщик»**, г. Санкт-Петербург, Невский пр., д. 100 (Россия): "
          "обрабатывает данные по поручению оператора",
          "Трансграничная передача персональных данных не осуществляется",
          // cookies
          "**Аналитические** — используются только после согласия",
          // rights with the 152-FZ terms
          "10 рабочих дней",
          "ещё на 5 рабочих дней",
          "7 рабочих дней",
          "в течение 30 дней",
          "немедленно (ст. 10.1 152-ФЗ)",
          "Роскомнадзоре",
          // withdrawal, public data, changes
          "ссылка «Отписаться» в каждом письме",
          "публикуются имя, город",
          "не позднее чем за 10 дней",
          "https://demo.example/privacy",
      });
}

TEST(PolicyText, EnglishPolicyAndBothFormats) {
  auto p = Example();
  std::string md = Render(p, "policy", Lang::kEn);
  ExpectAll(md, {"Version 3, in force from 2026-12-01", "Demo Kursy LLC", "Art. 6(1)(5) of 152-FZ",
                 "Kept for: the term of the contract and 3 years after it ends;",
                 "within 10 working days", "at least 10 days before", "Rassylshchik LLC"});
  std::string html = Render(p, "policy", Lang::kEn, Format::kHtml);
  ExpectAll(html, {"<html lang=\"en\">", "<title>Personal data processing policy</title>",
                   "<h2 id=\"rights\">"});
  EXPECT_EQ(html.find("{{"), std::string::npos);
  EXPECT_EQ(md.find("{#"), std::string::npos);
}

TEST(PolicyText, WhatTheFileAddsShowsUp) {
  auto p = Example();
  std::vector<domain::FieldSpec> fields = p.catalogue.fields();
  domain::FieldSpec position;
  position.name = "position";
  position.label = {"должность", "job title"};
  position.category = "profile";
  fields.push_back(position);
  p.catalogue = domain::FieldCatalogue(fields);
  domain::Purpose survey;
  survey.id = "survey";
  survey.name = {"Опросы о качестве курсов", "Course quality surveys"};
  survey.description = {"Письма с вопросами о курсе.", "Emails asking about a course."};
  survey.ground = "consent";
  survey.fields = {"name", "email", "position"};
  survey.actions = {"collect", "store", "use", "destroy"};
  survey.retention_text = "6 months";
  survey.retention = domain::ParseRetention("6 months");
  survey.withdrawal = {"email"};
  p.purposes.push_back(survey);
  domain::Recipient pollster;
  pollster.id = "pollster";
  pollster.name = {"ООО «Опросник»", "Oprosnik LLC"};
  pollster.address = {"г. Казань, ул. Баумана, д. 7", "7 Baumana St., Kazan, Russia"};
  pollster.country = "KZ";
  pollster.role = "processor";
  pollster.purposes = {"survey"};
  pollster.fields = {"email", "position"};
  pollster.ground = "consent";
  pollster.cross_border = true;
  p.recipients.push_back(pollster);
  ASSERT_TRUE(domain::FirstPolicyError(p)) << domain::FirstPolicyError(p).error().message();

  std::string md = Render(p, "policy", Lang::kRu);
  ExpectAll(md, {"### 3.7. Опросы о качестве курсов", "Письма с вопросами о курсе.",
                 "Срок обработки и хранения: 6 месяцев", "должность",
                 "**ООО «Опросник»**, г. Казань, ул. Баумана, д. 7 (Казахстан)",
                 "следующим получателям: ООО «Опросник» (Казахстан)",
                 "- Опросы о качестве курсов: письмо оператору по адресу privacy@demo.example"});
  EXPECT_EQ(md.find("Трансграничная передача персональных данных не осуществляется"),
            std::string::npos);
  auto docs = DocumentNames(p);
  EXPECT_NE(std::find(docs.begin(), docs.end(), "consent/survey"), docs.end());
}

TEST(PolicyText, ConsentTextsCarryArticle9Contents) {
  auto p = Example();
  EXPECT_EQ(DocumentNames(p),
            (std::vector<std::string>{"policy", "consent/newsletter", "consent/reviews",
                                      "consent/statistics", "public-consent/reviews"}));
  std::string ru = Render(p, "consent/newsletter", Lang::kRu);
  // Operator's name and address; purpose; data; who processes it and where; actions and
  // methods; term; how to withdraw.
  ExpectAll(ru, {"ООО «Демо Курсы»", "125009, г. Москва", "Цель: Рассылка новостей и предложений",
                 "Персональные данные: имя, адрес электронной почты, номер телефона.",
                 "ООО «Рассыльщик», г. Санкт-Петербург, Невский пр., д. 100",
                 "Действия с данными: сбор, запись", "способ обработки: автоматизированная",
                 "Срок действия согласия: 3 года или до его отзыва",
                 "Как отозвать: ссылка «Отписаться» в каждом письме", "прекращается немедленно",
                 "Редакция политики № 3"});
  EXPECT_EQ(ru.find("отчество"), std::string::npos);  // only the purpose's own data
  std::string published = Render(p, "public-consent/reviews", Lang::kRu);
  ExpectAll(published, {"Согласие на распространение персональных данных",
                        "каждое из которых я отмечаю отдельно: имя, город.",
                        "молчание не считается согласием", "страницы курсов", "ст. 10.1 152-ФЗ"});
  EXPECT_EQ(published.find("адрес электронной почты"), std::string::npos);
  std::string en = Render(p, "consent/statistics", Lang::kEn, Format::kHtml);
  ExpectAll(en, {"Consent to the processing of personal data: Statistics of visits and sales",
                 "date of birth, city"});
  EXPECT_FALSE(RenderDocument(p, "consent/registration", Lang::kRu, Format::kMarkdown));
  EXPECT_FALSE(RenderDocument(p, "nonsense", Lang::kRu, Format::kMarkdown));
}

TEST(PolicyText, ValuesCannotInjectMarkup) {
  auto p = Example();
  p.op.legal_name.ru = "<script>alert(1)</script> **Bold** [x](javascript:y)";
  std::string html = Render(p, "policy", Lang::kRu, Format::kHtml);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<strong>Bold</strong>"), std::string::npos);
}

TEST(PolicyText, JurisdictionsGetTheirOwnRights) {
  auto p = Example();
  p.jurisdiction = "eu-gdpr";
  std::string en = Render(p, "policy", Lang::kEn);
  ExpectAll(en, {"Regulation (EU) 2016/679", "within one month, extendable by two months",
                 "GDPR Art. 6(1)(b)"});
  EXPECT_EQ(en.find("Roskomnadzor"), std::string::npos);
  p.jurisdiction = "ua-2297";
  ExpectAll(Render(p, "policy", Lang::kRu), {"№ 2297-VI", "в течение 30 дней (до 45 дней)"});
}

TEST(PolicyText, RenewalPageAsksWithoutPreselectingAndEscapesValues) {
  auto p = Example();
  auto consent = RenderDocument(p, "consent/newsletter", Lang::kRu, Format::kMarkdown);
  ASSERT_TRUE(consent);
  RenewalPage page;
  page.operator_name = "<b>ООО</b>";
  page.action = "/v1/renewals/demo/t\"x";
  page.version = 3;
  page.purposes.push_back({"newsletter", "", *consent});
  std::string html = RenderRenewalPage(page, Lang::kRu);
  ExpectAll(html, {"<title>Новая редакция политики: ваше решение</title>",
                   "<h1>Новая редакция политики: ваше решение</h1>", "&lt;b&gt;ООО&lt;/b&gt;",
                   R"(action="/v1/renewals/demo/t&quot;x")", R"(name="version" value="3")",
                   R"(name="consent.newsletter" value="yes" required)",
                   R"(name="consent.newsletter" value="no")",
                   "<h1>Согласие на обработку персональных данных: Рассылка"});
  EXPECT_EQ(html.find("checked"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);

  page.state = RenewalPage::State::kDone;
  page.purposes = {{"newsletter", "News", "", true}, {"reviews", "Reviews", "", false}};
  html = RenderRenewalPage(page, Lang::kEn);
  ExpectAll(html, {"<h1>Your decision is saved</h1>", "<li>News: consent given</li>",
                   "<li>Reviews: consent not given</li>"});
  EXPECT_EQ(html.find("<form"), std::string::npos);
  page.state = RenewalPage::State::kInvalid;
  EXPECT_NE(RenderRenewalPage(page, Lang::kRu).find("<h1>Ссылка не действует</h1>"),
            std::string::npos);
}

}  // namespace
}  // namespace konfid::text
