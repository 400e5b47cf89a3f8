// Double opt-in cannot be bypassed, on both backends, against a real SMTP server: marketing
// mail goes only to an address its owner confirmed; a changed address is confirmed again
// (a link in the subject's language, queued with the change) before any marketing reaches it.
#include "api_e2e.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

// The messages received so far that went to `address`, marketing (with List-Unsubscribe) or
// not. (The server's maildir lists them in no particular order.)
std::vector<std::string> To(const konfid::testing::SmtpServer& smtp, const std::string& address,
                            bool marketing) {
  std::vector<std::string> out;
  for (const auto& m : smtp.Received())
    if (m.find("To: <" + address + ">") != std::string::npos &&
        (m.find("List-Unsubscribe:") != std::string::npos) == marketing)
      out.push_back(m);
  return out;
}
size_t Count(const konfid::testing::SmtpServer& smtp, const std::string& address, bool marketing) {
  return To(smtp, address, marketing).size();
}

const char* kNewsletter = R"({"purpose":"newsletter","subject":"Скидки","body":"Новые курсы."})";

}  // namespace

TEST_P(ApiE2E, AChangedAddressIsConfirmedAgainBeforeAnyMarketingReachesIt) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto post = [&](const std::string& target, const std::string& body, const std::string& key) {
    return konfid.Request("POST", target, body, key);
  };
  auto confirm = [&](const std::string& token) {
    return post("/v1/confirmations", R"({"tenant":"demo","token":")" + token + "\"}", "");
  };
  // Registered in English, confirmed, sent a newsletter.
  auto reg = post("/v1/registrations",
                  R"({"fields":{"surname":"Orlova","name":"Olga","email":"olga@example.com"},)"
                  R"("consents":{"newsletter":true,"reviews":false,"statistics":false},)"
                  R"("lang":"en"})",
                  admin);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  std::string id = JsonString(reg.body, "subject");
  std::string messages = "/v1/subjects/" + id + "/messages";
  ASSERT_EQ(smtp.WaitFor(1).size(), 1u);
  ASSERT_EQ(confirm(TokenIn(smtp.Received()[0])).status, 200u);
  ASSERT_EQ(post(messages, kNewsletter, admin).status, 202u);
  ASSERT_EQ(smtp.WaitFor(2).size(), 2u);
  EXPECT_EQ(Count(smtp, "olga@example.com", true), 1u);

  // The address changes: unconfirmed at once, and its owner is asked, in English.
  auto patched = konfid.Request("PATCH", "/v1/subjects/" + id,
                                R"({"fields":{"email":"olga.new@example.com"}})", admin);
  ASSERT_EQ(patched.status, 200u) << patched.body;
  auto read = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin);
  EXPECT_NE(read.body.find(R"("email_verified_at":null)"), std::string::npos) << read.body;
  auto refused = post(messages, kNewsletter, admin);
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(Code(refused), "email_unconfirmed");
  ASSERT_EQ(smtp.WaitFor(3).size(), 3u);
  auto asks = To(smtp, "olga.new@example.com", false);
  ASSERT_EQ(asks.size(), 1u);
  const std::string ask = asks[0];
  EXPECT_NE(MailBody(ask).find("as the new email address of your account"), std::string::npos)
      << MailBody(ask);
  // Nothing marketing has reached the new address (the refusal queued nothing, and the
  // confirmation, queued after it, has been sent).
  EXPECT_EQ(Count(smtp, "olga.new@example.com", true), 0u);

  // Confirmed by the new address's owner: marketing goes to it again, and only to it.
  auto confirmed = confirm(TokenIn(ask));
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  EXPECT_NE(confirmed.body.find(R"("consents":[])"), std::string::npos);  // it records none
  ASSERT_EQ(post(messages, kNewsletter, admin).status, 202u);
  ASSERT_EQ(smtp.WaitFor(4).size(), 4u);
  EXPECT_EQ(Count(smtp, "olga.new@example.com", true), 1u);
  EXPECT_EQ(Count(smtp, "olga@example.com", true), 1u);

  // A link sent to an address before it was changed confirms nothing afterwards.
  auto petr = post("/v1/registrations",
                   R"({"fields":{"surname":"Петров","name":"Пётр","email":"petr@example.com"},)"
                   R"("consents":{"newsletter":true,"reviews":true,"statistics":true}})",
                   admin);
  ASSERT_EQ(petr.status, 201u) << petr.body;
  std::string petr_id = JsonString(petr.body, "subject");
  ASSERT_EQ(smtp.WaitFor(5).size(), 5u);
  auto petr_link = To(smtp, "petr@example.com", false);
  ASSERT_EQ(petr_link.size(), 1u);
  ASSERT_EQ(konfid
                .Request("PATCH", "/v1/subjects/" + petr_id,
                         R"({"fields":{"email":"petr.other@example.com"}})", admin)
                .status,
            200u);
  auto stale = confirm(TokenIn(petr_link[0]));
  EXPECT_EQ(Code(stale), "invalid_token") << stale.body;
  EXPECT_EQ(
      konfid.Request("GET", "/v1/subjects/" + petr_id + "?purpose=newsletter", "", admin).status,
      403u);  // the consents the old link held were not recorded either
  ASSERT_EQ(smtp.WaitFor(6).size(), 6u);
  auto petr_ask = To(smtp, "petr.other@example.com", false);
  ASSERT_EQ(petr_ask.size(), 1u);  // in Russian: no consent text of his names another
  EXPECT_NE(MailBody(petr_ask[0]).find("новый адрес"), std::string::npos) << MailBody(petr_ask[0]);
  EXPECT_EQ(konfid.Stop(), 0);
}

TEST_P(ApiE2E, AConsentRecordedForANeverConfirmedAddressSendsNoMarketing) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto created = konfid.Request(
      "POST", "/v1/subjects",
      R"({"fields":{"surname":"Новикова","name":"Вера","email":"vera@example.com"}})", admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");
  auto given = konfid.Request("POST", "/v1/subjects/" + id + "/consents",
                              R"({"purpose":"newsletter","action":"give"})", admin);
  ASSERT_EQ(given.status, 201u) << given.body;
  auto refused = konfid.Request("POST", "/v1/subjects/" + id + "/messages", kNewsletter, admin);
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(Code(refused), "email_unconfirmed");

  // Her address is confirmed through a registration link; what the outbox sent before that
  // link (in id order) is nothing.
  auto reg =
      konfid.Request("POST", "/v1/registrations",
                     R"({"fields":{"surname":"Новикова","name":"Вера","email":"vera@example.com"},)"
                     R"("consents":{"newsletter":true,"reviews":true,"statistics":true}})",
                     admin);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  EXPECT_EQ(JsonString(reg.body, "subject"), id);
  auto mail = smtp.WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(Count(smtp, "vera@example.com", true), 0u);
  auto confirmed = konfid.Request("POST", "/v1/confirmations",
                                  R"({"tenant":"demo","token":")" + TokenIn(mail[0]) + "\"}", "");
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  ASSERT_EQ(konfid.Request("POST", "/v1/subjects/" + id + "/messages", kNewsletter, admin).status,
            202u);
  ASSERT_EQ(smtp.WaitFor(2).size(), 2u);
  EXPECT_EQ(Count(smtp, "vera@example.com", true), 1u);
  EXPECT_EQ(konfid.Stop(), 0);
}

}  // namespace konfid::e2e
