// End-to-end tests of the HTTP layer's strictness (issue 11, "Trust repairs"), on both
// backends: duplicate JSON members, exact media types, the unsubscribe page, request ids.
#include <chrono>
#include <thread>

#include "api_e2e.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

const char* kZoya =
    R"({"fields":{"surname":"Зуева","name":"Зоя","email":"zoya@example.com","phone":"+79005554433"}})";

}  // namespace

TEST_P(ApiE2E, AMemberNamedTwiceIsRefusedAtEveryLevel) {
  auto inner = Post(R"({"fields":{"surname":"Зуева","name":"Зоя","surname":"Подменная"}})");
  EXPECT_EQ(inner.status, 400u) << inner.body;
  EXPECT_EQ(Code(inner), "duplicate_field");
  EXPECT_EQ(inner.body.find("Подменная"), std::string::npos);  // the message names no value
  auto outer = Post(R"({"fields":{"surname":"Зуева","name":"Зоя","email":"a@example.com"},)"
                    R"("fields":{"surname":"Зуева","name":"Зоя","email":"b@example.com"}})");
  EXPECT_EQ(outer.status, 400u) << outer.body;
  EXPECT_EQ(Code(outer), "duplicate_field");
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=b@example.com").status, 404u);
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=a@example.com").status, 404u);

  auto created = Post(kZoya);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");
  auto patch = konfid_->Request("PATCH", "/v1/subjects/" + id,
                                R"({"fields":{"name":"Зоя","name":null}})", admin_);
  EXPECT_EQ(Code(patch), "duplicate_field");
  auto consent =
      konfid_->Request("POST", "/v1/subjects/" + id + "/consents",
                       R"({"purpose":"newsletter","action":"give","action":"withdraw"})", admin_);
  EXPECT_EQ(Code(consent), "duplicate_field");
  auto context = konfid_->Request(
      "POST", "/v1/subjects/" + id + "/consents",
      R"({"purpose":"newsletter","action":"give","context":{"ip":"1.2.3.4","ip":"5.6.7.8"}})",
      admin_);
  EXPECT_EQ(Code(context), "duplicate_field");
  EXPECT_EQ(Code(Get("/v1/subjects/" + id + "?purpose=newsletter")), "consent_required");
  EXPECT_EQ(JsonField(Get("/v1/subjects/" + id + "?purpose=registration").body, "name"), "Зоя");
}

TEST_P(ApiE2E, AJsonBodyMustSayItIsJson) {
  auto evil = Http(konfid_->port(), "POST", "/v1/subjects", kZoya, admin_, "application/json-evil");
  EXPECT_EQ(evil.status, 415u) << evil.body;
  EXPECT_EQ(Code(evil), "unsupported_media_type");
  auto untyped = Http(konfid_->port(), "POST", "/v1/subjects", kZoya, admin_, "");
  EXPECT_EQ(untyped.status, 415u) << untyped.body;
  EXPECT_EQ(Code(untyped), "unsupported_media_type");
  auto confirm = Http(konfid_->port(), "POST", "/v1/confirmations",
                      R"({"tenant":"demo","token":"x"})", "", "text/plain");
  EXPECT_EQ(confirm.status, 415u) << confirm.body;
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=zoya@example.com").status, 404u);
  auto fine = Http(konfid_->port(), "POST", "/v1/subjects", kZoya, admin_,
                   "Application/JSON; charset=utf-8");
  EXPECT_EQ(fine.status, 201u) << fine.body;
}

TEST_P(ApiE2E, AClickedUnsubscribeLinkShowsAPageWhoseButtonAloneWithdraws) {
  auto created = Post(kZoya);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");
  ASSERT_EQ(konfid_
                ->Request("POST", "/v1/subjects/" + id + "/consents",
                          R"({"action":"give","purpose":"newsletter"})", admin_)
                .status,
            201u);
  std::string url =
      JsonString(Get("/v1/subjects/" + id + "/unsubscribe-link?purpose=newsletter").body, "url");
  std::string path = url.substr(url.find("/v1/unsubscribe/"));

  // A click (or a mail scanner opening the link) shows the page and changes nothing.
  auto ru = Http(konfid_->port(), "GET", path, "", "", "", {{"Accept", "text/html"}});
  ASSERT_EQ(ru.status, 200u) << ru.body;
  EXPECT_EQ(ru.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(ru.headers["content-security-policy"].find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(ru.headers["x-frame-options"], "DENY");
  EXPECT_EQ(ru.headers["referrer-policy"], "no-referrer");
  EXPECT_NE(ru.body.find("<html lang=\"ru\">"), std::string::npos);
  EXPECT_NE(ru.body.find("отзываете согласие"), std::string::npos) << ru.body;
  EXPECT_NE(ru.body.find(R"(<form method="post" action=")" + path + "?lang=ru"), std::string::npos)
      << ru.body;
  EXPECT_NE(ru.body.find(R"(name="List-Unsubscribe" value="One-Click")"), std::string::npos);
  auto en = Http(konfid_->port(), "GET", path, "", "", "", {{"Accept-Language", "en-GB,en;q=0.8"}});
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos) << en.body;
  EXPECT_NE(en.body.find("Withdraw consent and unsubscribe"), std::string::npos);
  auto chosen =
      Http(konfid_->port(), "GET", path + "?lang=en", "", "", "", {{"Accept-Language", "ru"}});
  EXPECT_NE(chosen.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=newsletter").status, 200u);  // still live

  // The button: the browser posts the form to the page's action and gets a page back.
  auto done = Http(konfid_->port(), "POST", path + "?lang=ru", "List-Unsubscribe=One-Click", "",
                   "application/x-www-form-urlencoded", {{"Accept", "text/html"}});
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(done.body.find("отзыв согласия зафиксирован"), std::string::npos) << done.body;
  EXPECT_EQ(Code(Get("/v1/subjects/" + id + "?purpose=newsletter")), "consent_required");

  std::string altered = path;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  auto invalid = Http(konfid_->port(), "POST", altered, "List-Unsubscribe=One-Click", "",
                      "application/x-www-form-urlencoded", {{"Accept", "text/html"}});
  EXPECT_EQ(invalid.status, 400u);
  EXPECT_NE(invalid.body.find("Ссылка не действует"), std::string::npos) << invalid.body;
}

TEST_P(ApiE2E, EveryResponseCarriesARequestId) {
  auto given = Http(konfid_->port(), "GET", "/healthz", "", "", "",
                    {{"X-Request-Id", "lb-7f3a.2026_12:01"}});
  EXPECT_EQ(given.headers["x-request-id"], "lb-7f3a.2026_12:01");
  for (const std::string& bad : {std::string("a b"), std::string(65, 'a'), std::string("<x>")}) {
    auto replaced = Http(konfid_->port(), "GET", "/healthz", "", "", "", {{"X-Request-Id", bad}});
    EXPECT_EQ(replaced.headers["x-request-id"].size(), 16u) << bad;
    EXPECT_NE(replaced.headers["x-request-id"], bad);
  }
  auto a = Get("/v1/nothing"), b = Get("/v1/nothing");
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.headers["x-request-id"].size(), 16u);
  EXPECT_NE(a.headers["x-request-id"], b.headers["x-request-id"]);
  auto big = Post(R"({"fields":{"surname":")" + std::string(70 * 1024, 'x') + R"("}})");
  EXPECT_EQ(big.status, 413u);
  EXPECT_EQ(big.headers["x-request-id"].size(), 16u);
  // The internal fields that carry a 5xx's detail to the log never leave the server.
  EXPECT_EQ(Get("/metrics").headers.count("konfid-internal-error-detail"), 0u);
}

}  // namespace konfid::e2e

namespace konfid::e2e {

// A mail server that cannot be reached: each failed delivery is a mail_failed line on the
// server's stderr, without the address, and counted in /metrics; start and stop are events.
TEST_P(ApiE2E, AFailedMailIsLoggedAndCountedWithoutTheAddress) {
  Instance konfid(GetParam()(), "smtp://127.0.0.1:" + std::to_string(FreePort()));
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.AddConfig(kJobsOnTrigger);  // one outbox pass, when the test asks for it
  konfid.Start();
  auto reg = konfid.Request(
      "POST", "/v1/registrations",
      R"({"fields":{"surname":"Почтова","name":"Пелагея","email":"pelageya@example.com"},)"
      R"("consents":{"newsletter":true,"reviews":false,"statistics":false}})",
      admin);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  // The pass fails to deliver (no server there) and will retry: a failed delivery, not a
  // failed pass.
  auto pass = konfid.RunJob("outbox", admin);
  ASSERT_EQ(pass.status, 200u) << pass.body;
  EXPECT_EQ(JsonString(pass.body, "sent"), "0") << pass.body;
  EXPECT_EQ(JsonString(pass.body, "retried"), "1") << pass.body;
  std::string metrics = Http(konfid.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find(R"(konfid_log_events_total{event="mail_failed",level="warn"} 1)"
                         "\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(konfid_job_runs_total{job="outbox",result="ok"} 1)"
                         "\n"),
            std::string::npos)
      << metrics;
  ASSERT_EQ(konfid.Stop(), 0);
  std::string log = Files(konfid.data_dir())[konfid.log_path()];
  EXPECT_NE(log.find(R"("event":"started")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("event":"stopped")"), std::string::npos) << log;
  size_t at = log.find(R"("event":"mail_failed")");
  ASSERT_NE(at, std::string::npos) << log;
  std::string line = log.substr(at, log.find('\n', at) - at);
  EXPECT_NE(line.find(R"("kind":"confirm_email")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("code":"unavailable")"), std::string::npos) << line;
  EXPECT_EQ(log.find("pelageya"), std::string::npos) << log;  // nowhere in the log
}

}  // namespace konfid::e2e
