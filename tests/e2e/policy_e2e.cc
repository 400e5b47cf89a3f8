// The published policy over HTTP on both backends: texts by language and format, versions,
// publishing through the API, and the service enforcing the version in force.
#include <chrono>
#include <thread>

#include "api_e2e.h"
#include "core/time.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

HttpResult Publish(const Instance& konfid, const std::string& policy, const std::string& key,
                   const std::string& query = "") {
  return Http(konfid.port(), "POST", "/v1/policy/versions" + query, policy, key,
              "application/toml");
}

// The example policy with a new consent-based purpose that uses the email only.
std::string WithSurvey() {
  return Replaced(SourceFile("examples/policy.toml"), "[[recipient]]\nid = \"hosting\"",
                  "[[purpose]]\nid = \"survey\"\nname = { ru = \"Опросы\", en = \"Surveys\" }\n"
                  "description = { ru = \"Вопросы о курсах.\", en = \"Questions about courses.\" "
                  "}\nground = \"consent\"\nfields = [\"email\"]\nactions = [\"collect\", "
                  "\"store\", \"use\", \"destroy\"]\nretention = \"6 months\"\nwithdrawal = "
                  "[\"email\"]\n\n[[recipient]]\nid = \"hosting\"");
}

}  // namespace

TEST_P(ApiE2E, ServesTheGeneratedPolicyInBothLanguagesAndFormats) {
  auto md = Http(konfid_->port(), "GET", "/v1/policy?tenant=demo");
  ASSERT_EQ(md.status, 200u) << md.body;
  EXPECT_EQ(md.headers["content-type"], "text/markdown; charset=utf-8");
  EXPECT_EQ(md.headers["content-language"], "ru");
  EXPECT_EQ(md.headers["konfid-policy-version"], "1");
  EXPECT_NE(md.body.find("# Политика в отношении обработки персональных данных"),
            std::string::npos);
  EXPECT_NE(md.body.find("Редакция № 1"), std::string::npos);
  EXPECT_NE(md.body.find("ООО «Демо Курсы»"), std::string::npos);

  auto html =
      Http(konfid_->port(), "GET", "/v1/policy?tenant=demo", "", "", "",
           {{"Accept", "text/html,application/xhtml+xml"}, {"Accept-Language", "en-GB,en;q=0.8"}});
  ASSERT_EQ(html.status, 200u);
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(html.headers["content-language"], "en");
  EXPECT_NE(html.body.find("<h1 id=\"title\">Personal data processing policy</h1>"),
            std::string::npos);

  auto en_md = Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&lang=en&format=md");
  EXPECT_NE(en_md.body.find("Demo Kursy LLC"), std::string::npos);
  auto consent =
      Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&document=consent/newsletter&lang=ru");
  ASSERT_EQ(consent.status, 200u);
  EXPECT_NE(consent.body.find("Согласие на обработку персональных данных: Рассылка"),
            std::string::npos);

  // The tenant comes from ?tenant=, else from the key; two tenants here, so one is needed.
  EXPECT_EQ(Code(Http(konfid_->port(), "GET", "/v1/policy")), "tenant_required");
  auto by_key = Http(konfid_->port(), "GET", "/v1/policy", "", other_admin_);
  EXPECT_EQ(by_key.status, 200u);
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/policy?tenant=nobody").status, 404u);
  EXPECT_EQ(Code(Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&lang=de")), "invalid_query");
  EXPECT_EQ(Code(Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&colour=red")),
            "invalid_query");
  EXPECT_EQ(
      Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&document=consent/registration").status,
      404u);  // not consent-based: no consent text
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&version=9").status, 404u);
}

TEST_P(ApiE2E, PublishingVersionsChangesWhatIsEnforced) {
  auto list = Http(konfid_->port(), "GET", "/v1/policy/versions?tenant=demo");
  ASSERT_EQ(list.status, 200u);
  EXPECT_NE(list.body.find("\"version\":1"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("\"in_force\":true"), std::string::npos);

  // Who may publish, and what is refused.
  std::string survey = WithSurvey();
  EXPECT_EQ(Publish(*konfid_, survey, "").status, 401u);
  EXPECT_EQ(Code(Publish(*konfid_, survey, support_)), "role");
  EXPECT_EQ(Code(Publish(*konfid_, survey, other_admin_)), "wrong_tenant");
  auto broken =
      Publish(*konfid_, Replaced(survey, "retention = \"6 months\"", "retention = \"half a year\""),
              admin_);
  EXPECT_EQ(broken.status, 400u);
  EXPECT_EQ(Code(broken), "invalid_policy");
  EXPECT_NE(JsonString(broken.body, "detail").find("cannot be parsed"), std::string::npos)
      << broken.body;
  EXPECT_EQ(Code(Publish(*konfid_, SourceFile("examples/policy.toml"), admin_)),
            "policy_unchanged");
  EXPECT_EQ(Code(Http(konfid_->port(), "POST", "/v1/policy/versions", "{}", admin_)),
            "unsupported_media_type");

  // A reader of the new purpose cannot use it before it is published.
  ASSERT_EQ(
      Post(
          R"({"fields":{"surname":"Орлова","name":"Ольга","email":"olga@example.com","phone":"+79001112233"}})")
          .status,
      201u);
  EXPECT_EQ(Code(Get("/v1/subjects?purpose=survey&email=olga@example.com")), "unknown_purpose");
  EXPECT_EQ(Code(Get("/v1/subjects?email=olga@example.com")), "purpose_required");

  // The policy promises 10 days' notice of a change; a material one sooner needs saying so.
  auto soon = Publish(*konfid_, survey, admin_);
  EXPECT_EQ(soon.status, 400u);
  EXPECT_EQ(Code(soon), "notice_too_short") << soon.body;
  EXPECT_EQ(Code(Publish(*konfid_, survey, admin_, "?short_notice=maybe")), "invalid_query");
  auto v2 = Publish(*konfid_, survey, admin_, "?short_notice=true");
  ASSERT_EQ(v2.status, 201u) << v2.body;
  EXPECT_EQ(v2.headers["location"], "/v1/policy/versions/2");
  EXPECT_NE(v2.body.find("short notice: version 1 promised 10 days"), std::string::npos) << v2.body;
  EXPECT_NE(v2.body.find("\"material\":true"), std::string::npos) << v2.body;
  EXPECT_NE(v2.body.find("added    purpose 'survey'  [material]"), std::string::npos) << v2.body;
  // The new purpose rests on consent, given under version 2's text.
  std::string olga =
      JsonString(Get("/v1/subjects?purpose=registration&email=olga@example.com").body, "id");
  auto consent = konfid_->Request("POST", "/v1/subjects/" + olga + "/consents",
                                  R"({"purpose":"survey","action":"give"})", admin_);
  ASSERT_EQ(consent.status, 201u) << consent.body;
  EXPECT_EQ(JsonString(consent.body, "policy_version"), "2");
  auto read = Get("/v1/subjects?purpose=survey&email=olga@example.com");
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(JsonField(read.body, "email"), "olga@example.com");
  EXPECT_EQ(JsonField(read.body, "surname"), "");  // only the purpose's fields
  auto text = Http(konfid_->port(), "GET", "/v1/policy?tenant=demo");
  EXPECT_EQ(text.headers["konfid-policy-version"], "2");
  EXPECT_NE(text.body.find("### 3.7. Опросы"), std::string::npos);
  auto old = Http(konfid_->port(), "GET", "/v1/policy?tenant=demo&version=1");
  EXPECT_EQ(old.body.find("Опросы"), std::string::npos);
  auto one = Http(konfid_->port(), "GET", "/v1/policy/versions/1?tenant=demo");
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(JsonString(one.body, "source"), SourceFile("examples/policy.toml"));
  EXPECT_EQ(JsonString(one.body, "text_hash").size(), 64u);

  // Version 3 takes the phone away from every purpose: it is no longer written, and the
  // narrowing is not material.
  std::string no_phone = Replaced(WithSurvey(), "\"email\", \"phone\", \"inn\", \"city\"]",
                                  "\"email\", \"inn\", \"city\"]");
  for (int i = 0; i < 3; ++i) no_phone = Replaced(no_phone, "\"email\", \"phone\"]", "\"email\"]");
  auto v3 = Publish(*konfid_, no_phone, admin_);
  ASSERT_EQ(v3.status, 201u) << v3.body;
  EXPECT_NE(v3.body.find("\"material\":false"), std::string::npos) << v3.body;
  auto with_phone = Post(
      R"({"fields":{"surname":"Ли","name":"Ян","email":"yan@example.com","phone":"+79005556677"}})");
  EXPECT_EQ(with_phone.status, 400u);
  EXPECT_EQ(Code(with_phone), "field_without_purpose");
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=yan@example.com").status, 404u);
}

TEST_P(ApiE2E, AScheduledVersionComesIntoForceOnItsOwn) {
  auto at = FormatRfc3339(std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() +
                          2'000'000);
  auto v2 = Publish(*konfid_, WithSurvey(), admin_, "?short_notice=true&effective=" + at);
  ASSERT_EQ(v2.status, 201u) << v2.body;
  EXPECT_NE(v2.body.find("\"in_force\":false"), std::string::npos) << v2.body;
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/policy?tenant=demo").headers["konfid-policy-version"],
            "1");
  EXPECT_EQ(Code(Publish(*konfid_, WithSurvey(), admin_, "?effective=yesterday")), "invalid_query");
  EXPECT_EQ(WaitForPolicyVersion(konfid_->port(), "demo", "2"), "2");
}

}  // namespace konfid::e2e
