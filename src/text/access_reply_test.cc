// The access reply: every section 152-FZ Art. 14(7) asks for, in both languages, from the
// example policy and a subject's facts; values escaped; empty lists said to be empty; the
// same words for grounds and terms as the published policy.
#include "text/access_reply.h"

#include <gtest/gtest.h>

#include "domain/requests.h"
#include "test_support.h"
#include "text/example_policy_test.h"
#include "text/words.h"

namespace konfid::text {
namespace {

// Two values (one trying to inject a script), one of them blocked, a live consent, an access
// request with its history, a request whose due date no calendar reaches, no disclosures.
AccessFacts Facts() {
  AccessFacts f;
  f.subject = "s-0001";
  f.generated_at = "2026-12-02T10:15:00+03:00";
  f.policy_version = 3;
  f.data = {{"surname", "Петров"}, {"name", "<script>alert(1)</script>"}};
  f.blocked = {"surname"};
  f.consents = {{"newsletter", "given", true, "2026-11-01T09:00:00Z", "2029-11-01T09:00:00Z"}};
  f.requests = {
      {"r-1",
       "access",
       "in_progress",
       "2026-12-01",
       "2026-12-15",
       {"2026-12-01T09:00:00Z received", "2026-12-01T09:05:30.125Z in_progress"}},
      {"r-2", "rectification", "received", "2027-12-30", "", {"2027-12-30T12:00:00Z received"}},
  };
  return f;
}

void ExpectAll(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_NE(text.find(part), std::string::npos) << part;
}
void ExpectNone(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_EQ(text.find(part), std::string::npos) << part;
}

size_t CountOf(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A whole document, in `lang`, with every header cell saying what it heads.
void ExpectDocument(const std::string& html, const std::string& lang, const std::string& title) {
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"" + lang + "\">")) << html;
  EXPECT_TRUE(html.ends_with("</html>\n"));
  ExpectAll(html, {"<title>" + title + "</title>", "<h1>" + title + "</h1>"});
  EXPECT_EQ(CountOf(html, "<h2>"), 11u);
  EXPECT_EQ(CountOf(html, "<th"), CountOf(html, "<th scope=\"row\">") +
                                      CountOf(html, "<th scope=\"col\">") +
                                      CountOf(html, "<thead>") + CountOf(html, "<thead "));
  EXPECT_EQ(CountOf(html, "<table>"), CountOf(html, "</table>"));
  EXPECT_EQ(CountOf(html, "<section"), CountOf(html, "</section>"));
}

TEST(AccessReply, RussianHasEverySection) {
  std::string html = RenderAccessReply(Example(), Facts(), Lang::kRu);
  ExpectDocument(html, "ru", "Сведения об обработке ваших персональных данных");
  ExpectAll(html,
            {"<h2>1. Подтверждение обработки</h2>", "<h2>2. Оператор</h2>",
             "<h2>3. Ваши персональные данные и источник их получения</h2>",
             "<h2>4. Цели, правовые основания, способы и сроки обработки</h2>",
             "<h2>5. Получатели персональных данных</h2>", "<h2>6. Трансграничная передача</h2>",
             "<h2>7. Место хранения данных</h2>", "<h2>8. Меры, принимаемые оператором</h2>",
             "<h2>9. Передача ваших данных получателям</h2>", "<h2>10. Ваши запросы</h2>",
             "<h2>11. Ваши права и как ими воспользоваться</h2>"});
  ExpectAll(html, {
                      // confirmation and the reply's own facts
                      "Оператор подтверждает, что обрабатывает ваши персональные данные",
                      "ч. 7 ст. 14 Федерального закона от 27.07.2006 № 152-ФЗ",
                      "<time datetime=\"2026-12-02T10:15:00+03:00\">02.12.2026 10:15 "
                      "UTC+03:00</time>",
                      "(редакция № 3)",
                      "<code>s-0001</code>",
                      // the operator
                      "<th scope=\"row\">ИНН</th><td>7701234567</td>",
                      "<th scope=\"row\">ОГРН</th><td>1027700123456</td>",
                      "125009, г. Москва, ул. Примерная, д. 1, офис 10",
                      "privacy@demo.example",
                      "Иванова Анна Сергеевна",
                      // the data with its label, category, source; the blocked one marked
                      "<th scope=\"row\">фамилия</th><td>Петров</td><td>Идентификационные "
                      "данные</td><td>вы (субъект персональных "
                      "данных)</td><td><strong>заблокирована</strong></td>",
                      "<th scope=\"row\">имя</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>",
                      "Все перечисленные данные получены от вас как от субъекта",
                  });
  ExpectNone(html, {"<script>", "Обработка всех ваших персональных данных заблокирована"});
  // The purposes that use a value held or whose consent is reported; not statistics, which
  // uses neither.
  ExpectAll(html, {
                      "4.1. Регистрация и исполнение договора",
                      "4.2. Ответы на обращения",
                      "4.3. Рассылка новостей и предложений",
                      "4.4. Публикация отзывов",
                      "п. 5 ч. 1 ст. 6 152-ФЗ",
                      "п. 1 ч. 1 ст. 6 152-ФЗ",
                      "<td>фамилия, имя</td>",
                      "сбор, запись, систематизация",
                      "смешанная обработка",
                      "автоматизированная обработка",
                      "<td>3 года со дня получения или последнего подтверждения согласия или до "
                      "его отзыва, если он наступит раньше</td>",
                      "<td>данные уничтожаются</td>",
                      "Согласие дано <time datetime=\"2026-11-01T09:00:00Z\">01.11.2026 09:00 "
                      "UTC</time> и действует до <time "
                      "datetime=\"2029-11-01T09:00:00Z\">01.11.2029 09:00 UTC</time>",
                      // reviews rests on consent the facts do not report
                      "Согласие не давалось; данные для этой цели не обрабатываются.",
                  });
  ExpectNone(html, {"Статистика посещаемости и продаж"});
  ExpectAll(html,
            {
                // recipients, processors with name and address
                "ООО «Рассыльщик», г. Санкт-Петербург, Невский пр., д. 100 (Россия)",
                "обрабатывает данные по поручению оператора",
                "АО «Платёжный сервис»",
                "получает данные как самостоятельный оператор",
                // nothing abroad, nothing disclosed: said so
                "Трансграничная передача ваших персональных данных не осуществлялась и не "
                "предполагается.",
                "находится в стране: Россия",
                "ч. 5 ст. 18 152-ФЗ",
                "ст. 18.1 и 19 152-ФЗ",
                "https://demo.example/privacy",
                "Сведений о передаче ваших персональных данных получателям не зарегистрировано. "
                "Лица, которым они могут быть переданы, указаны в разделе 5.",
            });
  ExpectAll(html, {
                      // requests: kind and state in words, received, due, history
                      "получение сведений об обработке персональных данных (№&nbsp;r-1)",
                      "<td><time datetime=\"2026-12-01\">01.12.2026</time></td>",
                      "до <time datetime=\"2026-12-15\">15.12.2026</time> включительно",
                      "<td>рассматривается</td>",
                      "<li><time datetime=\"2026-12-01T09:00:00Z\">01.12.2026 09:00 UTC</time> — "
                      "получен</li>",
                      "<li><time datetime=\"2026-12-01T09:05:30.125Z\">01.12.2026 09:05 "
                      "UTC</time> — рассматривается</li>",
                      "уточнение персональных данных (№&nbsp;r-2)",
                      "срок не рассчитан: производственный календарь на этот год ещё не "
                      "опубликован",
                  });
  ExpectAll(html, {
                      // rights under 152-FZ and how to use them
                      "ст. 14 152-ФЗ",
                      "10 рабочих дней",
                      "не более чем на 5 рабочих дней",
                      "мотивированное уведомление",
                      "ч. 1 ст. 20",
                      "ч. 5.1 ст. 21",
                      "в течение 30 дней с даты поступления отзыва",
                      "в Роскомнадзор",
                      "(ст. 17)",
                      "почтой по адресу: 125009, г. Москва",
                      "в личном кабинете",
                  });
  ExpectNone(html, {"GDPR)", "ст. 77", "Уполномоченного Верховной Рады", "request.", "{{"});
}

TEST(AccessReply, EnglishHasEverySection) {
  std::string html = RenderAccessReply(Example(), Facts(), Lang::kEn);
  ExpectDocument(html, "en", "Information about the processing of your personal data");
  ExpectAll(html,
            {"<h2>1. Confirmation of processing</h2>", "<h2>2. The operator</h2>",
             "<h2>3. Your personal data and where it came from</h2>",
             "<h2>4. Purposes, legal grounds, methods and terms of processing</h2>",
             "<h2>5. Recipients of personal data</h2>", "<h2>6. Cross-border transfers</h2>",
             "<h2>7. Where the data is stored</h2>", "<h2>8. Measures the operator takes</h2>",
             "<h2>9. Disclosures of your data</h2>", "<h2>10. Your requests</h2>",
             "<h2>11. Your rights and how to exercise them</h2>"});
  ExpectAll(html,
            {
                "Demo Kursy LLC (the operator)",
                "2026-12-02 10:15 UTC+03:00",
                "<th scope=\"row\">Taxpayer number (INN)</th><td>7701234567</td>",
                "1027700123456",
                "Office 10, 1 Primernaya St., Moscow 125009, Russia",
                "<th scope=\"row\">surname</th><td>Петров</td><td>Identity data</td><td>you "
                "(the data subject)</td><td><strong>"
                "blocked</strong></td>",
                "<th scope=\"row\">first name</th><td>&lt;script&gt;alert(1)&lt;/"
                "script&gt;</td>",
                "Art. 6(1)(5) of 152-FZ",
                "<td>3 years from the day consent is given or last renewed, or until it is "
                "withdrawn if that comes "
                "first</td>",
                "<td>the data is destroyed</td>",
                "Given on <time datetime=\"2026-11-01T09:00:00Z\">2026-11-01 09:00 "
                "UTC</time> and valid until",
                "Not given; your data is not processed for this purpose.",
                "Rassylshchik LLC, 100 Nevsky Ave., Saint Petersburg, Russia (Russia)",
                "Your personal data has not been transferred abroad, and no such transfer is "
                "planned.",
                "No disclosure of your personal data to a recipient is recorded. The persons to "
                "whom it may be disclosed are named in section 5.",
                "access to personal data and information about their processing (no.&nbsp;r-1)",
                "by <time datetime=\"2026-12-15\">2026-12-15</time>",
                "<td>in progress</td>",
                "2026-12-01 09:00 UTC</time>: received</li>",
                "the term could not be counted: the production calendar for that year is not "
                "yet published",
                "within 10 working days",
                "by at most 5 working days",
                "Roskomnadzor",
                "(Art. 17)",
            });
  ExpectNone(html, {"<script>", "Statistics of visits and sales", "request.", "{{"});
}

// A subject with nothing held, no consent reported, no request, under a policy with no
// recipients: every list says it is empty.
TEST(AccessReply, EmptyListsSaySo) {
  domain::TenantPolicy p = Example();
  p.recipients.clear();
  AccessFacts f;
  f.subject = "s-0002";
  f.generated_at = "2026-12-02T07:00:00Z";
  std::string ru = RenderAccessReply(p, f, Lang::kRu);
  ExpectDocument(ru, "ru", "Сведения об обработке ваших персональных данных");
  ExpectAll(ru,
            {"оператор не хранит ваших персональных данных, кроме сведений о ваших согласиях",
             "Оператор не хранит значений ваших персональных данных.",
             "Ваши персональные данные ни для одной цели не обрабатываются.",
             "Оператор не передаёт ваши персональные данные третьим лицам",
             "Трансграничная передача ваших персональных данных не осуществлялась",
             "Сведений о передаче ваших персональных данных получателям не зарегистрировано.</p>",
             "Сведений о ваших запросах в системе оператора нет.", "02.12.2026 07:00 UTC"});
  ExpectNone(ru, {"<h3>", "<thead>", "(редакция №"});
  std::string en = RenderAccessReply(p, f, Lang::kEn);
  ExpectAll(en, {"The operator holds no values of your personal data.",
                 "Your personal data is not processed for any purpose.",
                 "The operator does not pass your personal data to third parties",
                 "has not been transferred abroad",
                 "No disclosure of your personal data to a recipient is recorded.</p>",
                 "The operator's system holds no requests from you."});
}

// The whole subject blocked; a withdrawn consent still shows its purpose; a disclosure and a
// transfer abroad are listed.
TEST(AccessReply, BlockedWithdrawnDisclosedAbroad) {
  domain::TenantPolicy p = Example();
  p.recipients[1].cross_border = true;
  p.recipients[1].country = "DE";
  AccessFacts f = Facts();
  f.blocked = {"*"};
  f.consents = {{"statistics", "withdrawn", false, "2026-11-20T08:00:00Z", ""},
                {"newsletter", "given", false, "2023-11-01T09:00:00Z", "2026-11-01T09:00:00Z"}};
  f.disclosures = {{"mailer", {"name", "email"}, "newsletter", "2026-11-25T12:30:00Z"}};
  std::string ru = RenderAccessReply(p, f, Lang::kRu);
  ExpectAll(ru, {"<strong>Обработка всех ваших персональных данных заблокирована.</strong>",
                 "Статистика посещаемости и продаж",
                 "Согласие отозвано <time datetime=\"2026-11-20T08:00:00Z\">20.11.2026 08:00 "
                 "UTC</time>; обработка для этой цели прекращена.",
                 "Согласие дано <time datetime=\"2023-11-01T09:00:00Z\">01.11.2023 09:00 "
                 "UTC</time>, но сейчас не действует",
                 "передаются за пределы страны их хранения", "<li>ООО «Рассыльщик» (Германия)</li>",
                 "уведомляет Роскомнадзор",
                 "<td>ООО «Рассыльщик»</td><td>имя, адрес электронной почты</td><td>Рассылка "
                 "новостей и предложений</td>"});
  ExpectNone(ru, {"<td>ведётся</td>", "не осуществлялась и не предполагается"});
}

// A purpose the subject's objection stopped says so, in its own section only.
TEST(AccessReply, AStoppedPurposeSaysSo) {
  domain::TenantPolicy p = Example();
  AccessFacts f = Facts();
  f.stopped = {"registration"};
  std::string ru = RenderAccessReply(p, f, Lang::kRu);
  const std::string said = "обработка ваших данных для этой цели прекращена.</td>";
  ASSERT_NE(ru.find(said), std::string::npos) << ru;
  EXPECT_EQ(ru.find(said, ru.find(said) + 1), std::string::npos);  // once: one purpose
  EXPECT_NE(RenderAccessReply(p, f, Lang::kEn)
                .find("processing of your data for this purpose "
                      "has stopped"),
            std::string::npos);
  f.stopped.clear();
  EXPECT_EQ(RenderAccessReply(p, f, Lang::kRu).find(said), std::string::npos);
}

// Each value's source as the policy declares it: the subject by default, the operator, or a
// third party named; and then no sentence that all of it came from the subject.
TEST(AccessReply, EachValueHasTheSourceThePolicyDeclares) {
  domain::TenantPolicy p = Example();
  std::vector<domain::FieldSpec> fields = p.catalogue.fields();
  for (auto& f : fields)
    if (f.name == "name") {
      f.source = "third_party";
      f.source_name = {"АО «Банк»", "Bank JSC"};
    }
  p.catalogue = domain::FieldCatalogue(std::move(fields));
  std::string ru = RenderAccessReply(p, Facts(), Lang::kRu);
  ExpectAll(ru, {"<td>третье лицо — АО «Банк»</td>", "<td>вы (субъект персональных данных)</td>"});
  ExpectNone(ru, {"Все перечисленные данные получены от вас"});
  std::string en = RenderAccessReply(p, Facts(), Lang::kEn);
  ExpectAll(en, {"<td>a third party — Bank JSC</td>"});
  ExpectNone(en, {"All of this data was received from you"});
}

// Another jurisdiction: its law's rights and authority, not Russia's.
TEST(AccessReply, GdprRights) {
  domain::TenantPolicy p = Example();
  p.jurisdiction = "eu-gdpr";
  std::string en = RenderAccessReply(p, Facts(), Lang::kEn);
  ExpectAll(en, {"(Art. 15 of Regulation (EU) 2016/679, the GDPR)", "GDPR Art. 6(1)(b)",
                 "within one month", "two further months", "(Art. 77)", "(Art. 79)", "(Art. 7(3))",
                 "machine-readable"});
  ExpectNone(en, {"Roskomnadzor", "152-FZ", "working days"});
  p.jurisdiction = "ua-2297";
  std::string ru = RenderAccessReply(p, Facts(), Lang::kRu);
  ExpectAll(ru, {"Уполномоченного Верховной Рады Украины по правам человека",
                 "ст. 11 Закона № 2297-VI", "отсрочка в нём не допускается"});
  ExpectNone(ru, {"Роскомнадзор", "152-ФЗ"});
}

// The reply and the published policy word a ground, a term and what follows it alike.
TEST(AccessReply, SameWordsAsThePolicy) {
  domain::TenantPolicy p = Example();
  auto policy = RenderDocument(p, "policy", Lang::kRu, Format::kHtml);
  ASSERT_TRUE(policy);
  std::string reply = RenderAccessReply(p, Facts(), Lang::kRu);
  for (const std::string& words :
       {std::string("исполнение договора, стороной которого является субъект"),
        std::string("3 года со дня получения или последнего подтверждения согласия или до его "
                    "отзыва, если он наступит раньше"),
        std::string("данные уничтожаются"), std::string("смешанная обработка"),
        std::string("обрабатывает данные по поручению оператора")}) {
    EXPECT_NE(policy->find(words), std::string::npos) << words;
    EXPECT_NE(reply.find(words), std::string::npos) << words;
  }
}

// Every state and kind the workflow has is worded in both languages (the vocabulary's keys
// follow domain/requests.h and domain/deadlines.h).
TEST(AccessReply, EveryRequestStateAndKindHasItsWords) {
  using domain::RequestState;
  for (RequestState s : {RequestState::kReceived, RequestState::kInProgress,
                         RequestState::kExtended, RequestState::kDone, RequestState::kRefused})
    for (Lang lang : {Lang::kRu, Lang::kEn}) {
      std::string key = "request.state." + std::string(domain::RequestStateName(s));
      EXPECT_NE(internal::Word(key, lang, "?"), "?") << key;
    }
  for (domain::RequestKind k : domain::kRequestKinds)
    for (Lang lang : {Lang::kRu, Lang::kEn}) {
      std::string key = "request.kind." + std::string(domain::RequestKindName(k));
      EXPECT_NE(internal::Word(key, lang, "?"), "?") << key;
    }
}

}  // namespace
}  // namespace konfid::text
