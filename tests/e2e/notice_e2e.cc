// Policy-change notices over real SMTP on both backends: a material version published ahead
// is announced at once; in force, it tells exactly the subjects whose consent it outdated, in
// the language they consented in, once; the link's page asks for a decision and records it.
#include <chrono>

#include "api_e2e.h"
#include "core/time.h"

namespace konfid::e2e {
namespace {

// Creates a subject and records `events` ({purpose, action}) in `lang`; its id or "".
std::string SubjectWith(Instance& konfid, const std::string& key, const std::string& name,
                        const std::string& email, const std::string& lang,
                        std::initializer_list<std::pair<const char*, const char*>> events) {
  auto created = konfid.Request(
      "POST", "/v1/subjects",
      R"({"fields":{"surname":"Тестова","name":")" + name + R"(","email":")" + email + "\"}}", key);
  std::string id = JsonString(created.body, "id");
  for (const auto& [purpose, action] : events) {
    auto r = konfid.Request("POST", "/v1/subjects/" + id + "/consents",
                            std::string(R"({"purpose":")") + purpose + R"(","action":")" + action +
                                R"(","lang":")" + lang + "\"}",
                            key);
    if (r.status != 201) return "";
  }
  return created.status == 201 ? id : "";
}

std::string NoticeTo(const std::vector<std::string>& mail, const std::string& address) {
  for (const auto& m : mail)
    if (m.find("To: <" + address + ">") != std::string::npos) return m;
  return "";
}

// The path of the decision link in a notice's body.
std::string LinkPath(const std::string& body) {
  size_t at = body.find("/v1/renewals/");
  if (at == std::string::npos) return "";
  return body.substr(at, body.find_first_of("\r\n ", at) - at);
}

}  // namespace

// The policy announces changes by email, 10 days ahead: a material version published for
// later is announced at once to the subjects it concerns, without a link (nothing to decide
// yet), and the version in force stays as it was.
TEST_P(ApiE2E, AMaterialChangeAheadIsAnnouncedAtOnceWithoutALink) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.AddConfig(kJobsOnTrigger);
  konfid.Start();
  std::string olga =
      SubjectWith(konfid, admin, "Ольга", "olga@example.com", "ru", {{"newsletter", "give"}});
  std::string dan =
      SubjectWith(konfid, admin, "Данила", "dan@example.com", "ru", {{"newsletter", "refuse"}});
  ASSERT_FALSE(olga.empty() || dan.empty());
  std::string wider = Replaced(SourceFile("examples/policy.toml"),
                               "fields = [\"name\", \"email\", \"phone\"]\nactions",
                               "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions");
  UnixMicros now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string at = FormatRfc3339(now + 11LL * 86'400'000'000LL);
  auto v2 = Http(konfid.port(), "POST", "/v1/policy/versions?effective=" + at, wider, admin,
                 "application/toml");
  ASSERT_EQ(v2.status, 201u) << v2.body;

  // The first passes after the publication: one announcement queued, and sent.
  auto queued = konfid.RunJob("notices", admin);
  ASSERT_EQ(queued.status, 200u) << queued.body;
  EXPECT_EQ(JsonString(queued.body, "queued"), "1") << queued.body;
  auto sent = konfid.RunJob("outbox", admin);
  EXPECT_EQ(JsonString(sent.body, "sent"), "1") << sent.body;
  auto mail = smtp.WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  std::string to_olga = NoticeTo(mail, "olga@example.com");
  ASSERT_FALSE(to_olga.empty());
  std::string body = MailBody(to_olga);
  EXPECT_NE(body.find("С " + at.substr(0, 10) + " начнёт действовать"), std::string::npos) << body;
  EXPECT_NE(body.find("- Рассылка новостей и предложений"), std::string::npos) << body;
  EXPECT_EQ(LinkPath(body), "") << body;  // nothing to decide before it is in force
  EXPECT_EQ(Http(konfid.port(), "GET", "/v1/policy?tenant=demo").headers["konfid-policy-version"],
            "1");
  // Olga's consent still counts; nobody else hears of it, and she hears of it once.
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + olga + "?purpose=newsletter", "", admin).status,
            200u);
  EXPECT_EQ(JsonString(konfid.RunJob("notices", admin).body, "queued"), "0");
  EXPECT_EQ(JsonString(konfid.RunJob("outbox", admin).body, "sent"), "0");
  EXPECT_EQ(smtp.Received().size(), 1u);
  EXPECT_EQ(konfid.Stop(), 0);
}

TEST_P(ApiE2E, AMaterialChangeTellsExactlyTheSubjectsItConcernsAndTheirLinkDecides) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.AddConfig(kJobsOnTrigger);
  konfid.Start();
  std::string olga = SubjectWith(konfid, admin, "Ольга", "olga@example.com", "ru",
                                 {{"newsletter", "give"}, {"statistics", "give"}});
  std::string ben =
      SubjectWith(konfid, admin, "Ben", "ben@example.com", "en", {{"newsletter", "give"}});
  // Not concerned: withdrew, refused, or consented only to what stays the same.
  std::string carol = SubjectWith(konfid, admin, "Карина", "carol@example.com", "ru",
                                  {{"newsletter", "give"}, {"newsletter", "withdraw"}});
  std::string dan = SubjectWith(konfid, admin, "Данила", "dan@example.com", "ru",
                                {{"newsletter", "refuse"}, {"statistics", "give"}});
  ASSERT_FALSE(olga.empty() || ben.empty() || carol.empty() || dan.empty());

  // Version 2 widens the newsletter: it now uses the city.
  std::string wider = Replaced(SourceFile("examples/policy.toml"),
                               "fields = [\"name\", \"email\", \"phone\"]\nactions",
                               "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions");
  auto v2 = Http(konfid.port(), "POST", "/v1/policy/versions?short_notice=true", wider, admin,
                 "application/toml");
  ASSERT_EQ(v2.status, 201u) << v2.body;

  EXPECT_EQ(JsonString(konfid.RunJob("notices", admin).body, "queued"), "2");
  EXPECT_EQ(JsonString(konfid.RunJob("outbox", admin).body, "sent"), "2");
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  std::string to_olga = NoticeTo(mail, "olga@example.com");
  std::string to_ben = NoticeTo(mail, "ben@example.com");
  ASSERT_FALSE(to_olga.empty() || to_ben.empty());
  EXPECT_EQ(to_olga.find("List-Unsubscribe"), std::string::npos);  // a notice, not marketing
  std::string body = MailBody(to_olga);
  EXPECT_NE(body.find("- Рассылка новостей и предложений"), std::string::npos) << body;
  EXPECT_EQ(body.find("Статистика"), std::string::npos) << body;  // left alone
  EXPECT_NE(MailBody(to_ben).find("- News and offers by email and SMS"), std::string::npos)
      << MailBody(to_ben);
  std::string link = LinkPath(body);
  ASSERT_FALSE(link.empty()) << body;
  std::string token = link.substr(link.rfind('/') + 1);

  // Until the subject decides, the widened purpose has no ground.
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + olga + "?purpose=newsletter", "", admin).status,
            403u);
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + olga + "?purpose=statistics", "", admin).status,
            200u);

  // The page: the new consent text (with the city) and a choice with nothing pre-selected.
  auto page = Http(konfid.port(), "GET", link, "", "", "");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["x-frame-options"], "DENY");
  EXPECT_NE(page.body.find("Согласие на обработку персональных данных: Рассылка"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("город"), std::string::npos);
  EXPECT_NE(page.body.find(R"(name="consent.newsletter" value="yes")"), std::string::npos);
  EXPECT_NE(page.body.find(R"(name="version" value="2")"), std::string::npos);
  EXPECT_EQ(page.body.find("checked"), std::string::npos);
  EXPECT_EQ(Http(konfid.port(), "GET", link + "x", "", "", "").status, 400u);

  // A decision must cover what the link asks, on the version shown; neither uses the link.
  auto post = [&](const std::string& body, const std::string& type) {
    return Http(konfid.port(), "POST", link, body, "", type);
  };
  EXPECT_EQ(JsonString(post(R"({"version":2,"decisions":{}})", "application/json").body, "code"),
            "consent_choice_missing");
  EXPECT_EQ(JsonString(post(R"({"version":2,"decisions":{"newsletter":true,"reviews":true}})",
                            "application/json")
                           .body,
                       "code"),
            "unknown_purpose");
  auto stale = post(R"({"version":1,"decisions":{"newsletter":true}})", "application/json");
  EXPECT_EQ(stale.status, 409u);
  EXPECT_EQ(JsonString(stale.body, "code"), "policy_changed");
  auto forged = Http(konfid.port(), "POST", "/v1/renewals/demo/AAAA",
                     R"({"version":2,"decisions":{"newsletter":true}})", "", "application/json");
  EXPECT_EQ(JsonString(forged.body, "code"), "invalid_token");

  // The form as a browser posts it.
  auto done = post("version=2&lang=ru&consent.newsletter=yes", "application/x-www-form-urlencoded");
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_NE(done.body.find("Рассылка новостей и предложений: согласие дано"), std::string::npos)
      << done.body;
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + olga + "?purpose=newsletter", "", admin).status,
            200u);
  auto ledger = konfid.Request("GET", "/v1/subjects/" + olga + "/consents", "", admin);
  EXPECT_NE(ledger.body.find(R"("kind":"renewed","policy_version":2)"), std::string::npos)
      << ledger.body;
  EXPECT_NE(ledger.body.find(R"("source":"policy_notice")"), std::string::npos);
  // Single use.
  auto again = post("version=2&lang=ru&consent.newsletter=no", "application/x-www-form-urlencoded");
  EXPECT_EQ(again.status, 400u);
  EXPECT_NE(again.body.find("Ссылка не действует"), std::string::npos) << again.body;

  // Ben declines through the JSON form of the same request.
  std::string ben_link = LinkPath(MailBody(to_ben));
  auto declined = Http(konfid.port(), "POST", ben_link,
                       R"({"version":2,"decisions":{"newsletter":false}})", "", "application/json");
  ASSERT_EQ(declined.status, 200u) << declined.body;
  EXPECT_NE(declined.body.find(R"("kind":"refused")"), std::string::npos);

  // Nobody is told twice, not even after a restart.
  EXPECT_EQ(konfid.Stop(), 0);
  konfid.Start();
  EXPECT_EQ(JsonString(konfid.RunJob("notices", admin).body, "queued"), "0");
  EXPECT_EQ(JsonString(konfid.RunJob("outbox", admin).body, "sent"), "0");
  EXPECT_EQ(smtp.Received().size(), 2u);
  EXPECT_EQ(konfid.Stop(), 0);

  // Notices, tokens and the outbox hold no address or name in the clear (on SQLite every
  // byte is in the data directory; the mail server's files are elsewhere).
  for (const auto& [path, bytes] : Files(konfid.data_dir())) {
    if (path.ends_with(".toml")) continue;
    for (const char* value : {"olga@example.com", "ben@example.com", "Ольга", "Тестова"})
      EXPECT_EQ(bytes.find(value), std::string::npos) << value << " in " << path;
  }
}

}  // namespace konfid::e2e
