// The retention schedule end to end, on both backends: what the plan says of each field as
// consents are given and withdrawn, that a block shows, and that the job's pass (triggered)
// destroys nothing before its time. The destruction itself, which needs time to pass, is
// driven by a stepped clock in src/app/retention_suite_test.h, on both backends too.
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "api_e2e.h"
#include "core/time.h"
#include "e2e_support.h"
#include "test_support.h"

namespace konfid::e2e {
namespace {

namespace json = boost::json;

// The schedule's entry for `field`, or an empty object.
json::object Entry(const HttpResult& r, const std::string& field) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return {};
  for (const auto& f : v.at("fields").as_array())
    if (f.at("field").as_string() == field) return f.as_object();
  return {};
}

UnixMicros Until(const json::object& entry) {
  if (!entry.contains("until") || !entry.at("until").is_string()) return 0;
  return ParseRfc3339(std::string(entry.at("until").as_string())).value_or(0);
}

TEST_P(ApiE2E, TheRetentionScheduleFollowsConsentsAndBlocks) {
  constexpr UnixMicros kDay = 86'400'000'000LL;
  Instance konfid(GetParam()());
  konfid.AddConfig(kJobsOnTrigger);
  std::string admin = konfid.CreateKey("demo", "admin");
  std::string analyst = konfid.CreateKey("demo", "analyst");
  konfid.Start();
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"Жукова","name":"Ольга",)"
                          R"("email":"olga.zhukova@example.com","city":"Тверь"}})",
                          admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id"), path = "/v1/subjects/" + id + "/retention";
  UnixMicros created = ParseRfc3339(JsonString(r.body, "created_at")).value_or(0);
  ASSERT_NE(created, 0);

  // No consent yet: the city waits 29 days for one; the contract holds the email with no end.
  r = konfid.Request("GET", path, "", admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body.find("Тверь"), std::string::npos);  // names and dates, never a value
  EXPECT_EQ(Until(Entry(r, "city")), created + 29 * kDay);
  EXPECT_TRUE(Entry(r, "email").at("until").is_null());
  EXPECT_EQ(Entry(r, "email").at("purpose").as_string(), "registration");

  // Statistics given: a year from the consent, then depersonalized (destroyed, by the job).
  ASSERT_EQ(konfid
                .Request("POST", "/v1/subjects/" + id + "/consents",
                         R"({"purpose":"statistics","action":"give","method":"form"})", admin)
                .status,
            201u);
  r = konfid.Request("GET", path, "", admin);
  EXPECT_EQ(Entry(r, "city").at("purpose").as_string(), "statistics");
  EXPECT_EQ(Entry(r, "city").at("on_expiry").as_string(), "depersonalize");
  EXPECT_GT(Until(Entry(r, "city")), created + 364 * kDay);

  // Withdrawn: 29 days from the withdrawal, inside the 30 days of 152-FZ Art. 21(5).
  auto w = konfid.Request("POST", "/v1/subjects/" + id + "/consents",
                          R"({"purpose":"statistics","action":"withdraw","method":"form"})", admin);
  ASSERT_EQ(w.status, 201u) << w.body;
  UnixMicros withdrawn = ParseRfc3339(JsonString(w.body, "time")).value_or(0);
  r = konfid.Request("GET", path, "", admin);
  EXPECT_EQ(Until(Entry(r, "city")), withdrawn + 29 * kDay);
  EXPECT_FALSE(Entry(r, "city").at("blocked").as_bool());

  // A block shows; the job's pass destroys nothing before its time.
  ASSERT_EQ(
      konfid.Request("POST", "/v1/subjects/" + id + "/blocks", R"({"fields":["city"]})", admin)
          .status,
      200u);
  EXPECT_TRUE(Entry(konfid.Request("GET", path, "", admin), "city").at("blocked").as_bool());
  r = konfid.Request("POST", "/v1/jobs/retention/run", "", admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value report = json::parse(r.body);
  EXPECT_EQ(report.at("subjects").as_int64(), 1);
  EXPECT_EQ(report.at("fields_destroyed").as_int64(), 0);
  EXPECT_EQ(report.at("subjects_erased").as_int64(), 0);

  // The site says the contracts ended: the email is kept 3 years (registration's term) from
  // then; a contract that goes on again holds it with no end.
  std::string contracts = "/v1/subjects/" + id + "/contracts/";
  ASSERT_EQ(konfid.Request("POST", contracts + "support/end", "", admin).status, 200u);
  EXPECT_TRUE(Entry(konfid.Request("GET", path, "", admin), "email").at("until").is_null());
  r = konfid.Request("POST", contracts + "registration/end", "", admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  UnixMicros ended = ParseRfc3339(JsonString(r.body, "ended_at")).value_or(0);
  auto email = Entry(konfid.Request("GET", path, "", admin), "email");
  EXPECT_EQ(email.at("purpose").as_string(), "registration");
  EXPECT_GT(Until(email), ended + 3 * 365 * kDay);
  EXPECT_LT(Until(email), ended + 3 * 367 * kDay);
  ASSERT_EQ(konfid.Request("DELETE", contracts + "registration/end", "", admin).status, 200u);
  EXPECT_TRUE(Entry(konfid.Request("GET", path, "", admin), "email").at("until").is_null());
  r = konfid.Request("POST", contracts + "newsletter/end", "", admin);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(JsonString(r.body, "code"), "not_contract_purpose") << r.body;

  // Unknown subject, and a role without subjects:read.
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + std::string(32, 'a') + "/retention", "", admin)
                .status,
            404u);
  EXPECT_EQ(konfid.Request("GET", path, "", analyst).status, 403u);
}

// A legal hold over HTTP: placed with its document, it stops a DELETE (409 legal_hold, nothing
// destroyed) until it is lifted; the body is checked like every other, and a support key may
// not place one.
TEST_P(ApiE2E, ALegalHoldStopsAnErasureUntilItIsLifted) {
  Instance konfid(GetParam()());
  std::string admin = konfid.CreateKey("demo", "admin");
  std::string support = konfid.CreateKey("demo", "support");
  konfid.Start();
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"Спорова","name":"Ирина",)"
                          R"("email":"irina.sporova@example.com"}})",
                          admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id"), holds = "/v1/subjects/" + id + "/holds";
  UnixMicros now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string until = FormatRfc3339(now + 30 * 86'400'000'000LL).substr(0, 10);
  std::string body = R"({"reason":"dispute","until":")" + until +
                     R"(","document":{"authority":"Тверской районный суд","number":"2-123/2026",)"
                     R"("date":"2026-11-20"}})";
  EXPECT_EQ(konfid.Request("POST", holds, body, support).status, 403u);
  auto bad = konfid.Request("POST", holds,
                            R"({"reason":"dispute","until":")" + until + R"(","x":1})", admin);
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(JsonString(bad.body, "code"), "unknown_field");
  r = konfid.Request("POST", holds, body, admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string hold = JsonString(r.body, "id");
  EXPECT_EQ(JsonString(r.body, "until"), until);

  auto refused = konfid.Request("DELETE", "/v1/subjects/" + id, "", admin);
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(JsonString(refused.body, "code"), "legal_hold");
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin).status,
            200u);
  auto listed = konfid.Request("GET", holds, "", admin);
  ASSERT_EQ(listed.status, 200u) << listed.body;
  EXPECT_NE(listed.body.find("2-123/2026"), std::string::npos) << listed.body;

  EXPECT_EQ(konfid.Request("DELETE", holds + "/" + hold, "", admin).status, 200u);
  EXPECT_EQ(konfid.Request("DELETE", holds + "/" + hold, "", admin).status, 404u);
  EXPECT_EQ(konfid.Request("DELETE", "/v1/subjects/" + id, "", admin).status, 204u);
  EXPECT_EQ(konfid.Stop(), 0);
}

// A buyer with an INN is erased: the tax obligation keeps surname, name and INN, the rest goes,
// and the act that says so is listed, read as JSON, as the signed JWS and as a document, by
// those who may read acts alone. It names no value.
TEST_P(ApiE2E, AnErasureLeavesASignedActToListAndRead) {
  Instance konfid(GetParam()());
  std::string admin = konfid.CreateKey("demo", "admin");
  std::string support = konfid.CreateKey("demo", "support");
  konfid.Start();
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"Налогова","name":"Вера",)"
                          R"("email":"vera.nalogova@example.com","inn":"500100732259"}})",
                          admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id");
  EXPECT_EQ(konfid.Request("DELETE", "/v1/subjects/" + id, "", admin).status, 204u);

  auto listed = konfid.Request("GET", "/v1/destruction-acts?subject=" + id, "", admin);
  ASSERT_EQ(listed.status, 200u) << listed.body;
  json::object list = json::parse(listed.body).as_object();
  ASSERT_EQ(list.at("acts").as_array().size(), 1u) << listed.body;
  EXPECT_TRUE(list.at("next").is_null());
  const json::object& item = list.at("acts").as_array()[0].as_object();
  std::string act_id(item.at("id").as_string());
  const json::object& act = item.at("act").as_object();
  EXPECT_EQ(act.at("subject").as_string(), id);
  EXPECT_EQ(act.at("method").as_string(), "deletion");
  EXPECT_EQ(act.at("reason").as_string(), "staff_erasure");
  EXPECT_EQ(act.at("kept").as_array().size(), 3u);
  EXPECT_EQ(act.at("destroyed").as_array()[0].at("field").as_string(), "email");
  for (const char* value : {"Налогова", "vera.nalogova", "500100732259"})
    EXPECT_EQ(listed.body.find(value), std::string::npos) << value;

  auto one = konfid.Request("GET", "/v1/destruction-acts/" + act_id, "", admin);
  ASSERT_EQ(one.status, 200u) << one.body;
  std::string jws = JsonString(one.body, "jws");
  EXPECT_EQ(std::count(jws.begin(), jws.end(), '.'), 2);
  auto signed_act =
      konfid.Request("GET", "/v1/destruction-acts/" + act_id + "?format=jws", "", admin);
  ASSERT_EQ(signed_act.status, 200u);
  EXPECT_EQ(signed_act.headers["content-type"], "application/jose");
  EXPECT_EQ(signed_act.body, jws);
  auto page = konfid.Request("GET", "/v1/destruction-acts/" + act_id + "?format=html", "", admin);
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_NE(page.body.find("Акт об уничтожении персональных данных"), std::string::npos);
  EXPECT_NE(page.body.find("Данные, которые не уничтожены"), std::string::npos);
  auto english =
      konfid.Request("GET", "/v1/destruction-acts/" + act_id + "?format=html&lang=en", "", admin);
  EXPECT_NE(english.body.find("Act of destruction of personal data"), std::string::npos);

  EXPECT_EQ(konfid.Request("GET", "/v1/destruction-acts", "", support).status, 403u);
  auto unknown =
      konfid.Request("GET", "/v1/destruction-acts/0123456789abcdef0123456789abcdef", "", admin);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(JsonString(unknown.body, "code"), "no_act");
  auto bad = konfid.Request("GET", "/v1/destruction-acts?limit=0", "", admin);
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(JsonString(bad.body, "code"), "invalid_query");
  EXPECT_EQ(
      konfid.Request("GET", "/v1/destruction-acts/" + act_id + "?format=pdf", "", admin).status,
      400u);

  // `konfid act verify`: offline with the published key, then against the audit log itself.
  auto jwks = json::parse(Http(konfid.port(), "GET", "/v1/keys/receipt?tenant=demo").body);
  std::string x(jwks.at("keys").at(0).at("x").as_string());
  EXPECT_EQ(konfid.Stop(), 0);
  konfid::testing::TempDir dir;
  auto verify = [&](const std::string& text, bool with_log) {
    std::ofstream(dir.path() + "/act.jws", std::ios::trunc) << text << "\n";
    std::vector<std::string> args = {"act", "verify", dir.path() + "/act.jws", "--public-key", x};
    if (with_log) {
      args.push_back("--data");
      args.push_back(konfid.data_dir());
      for (const auto& a : konfid.DbArgs()) args.push_back(a);
    }
    return RunKonfid(args);
  };
  auto offline = verify(jws, false);
  EXPECT_EQ(offline.exit_code, 0) << offline.output;
  EXPECT_NE(offline.output.find("act verifies"), std::string::npos) << offline.output;
  auto held = verify(jws, true);
  EXPECT_EQ(held.exit_code, 0) << held.output;
  EXPECT_NE(held.output.find("the audit log holds each event of the extract"), std::string::npos)
      << held.output;
  std::string tampered = jws;
  tampered[tampered.find('.') + 5] ^= 1;  // a byte of the claims
  auto refused = verify(tampered, false);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("act DOES NOT verify"), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace konfid::e2e
