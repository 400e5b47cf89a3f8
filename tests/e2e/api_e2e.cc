#include "api_e2e.h"

#include <atomic>
#include <thread>

namespace konfid::e2e {

void ApiE2E::SetUp() {
  konfid_ = std::make_unique<Instance>(GetParam()());
  admin_ = konfid_->CreateKey("demo", "admin");
  support_ = konfid_->CreateKey("demo", "support");
  analyst_ = konfid_->CreateKey("demo", "analyst");
  other_admin_ = konfid_->CreateKey("other", "admin");
  konfid_->Start();
}

void ApiE2E::TearDown() {
  EXPECT_EQ(konfid_->Stop(), 0) << "serve did not drain and exit cleanly on SIGTERM";
}

namespace {

const char* kIvan =
    R"({"fields":{"surname":"Иванов","name":"Иван","patronymic":"Петрович","birth_date":"1990-05-17",)"
    R"("email":"Ivan.Petrov@Example.COM","phone":"8 (912) 345-67-89"}})";

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

}  // namespace

TEST_P(ApiE2E, CreateReadLookUpUpdateDelete) {
  auto created = Post(kIvan);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(created.headers["location"], "/v1/subjects/" + id);

  auto got = Get("/v1/subjects/" + id + "?purpose=registration");
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(JsonField(got.body, "surname"), "Иванов");
  EXPECT_EQ(JsonField(got.body, "email"), "ivan.petrov@example.com");
  EXPECT_EQ(JsonField(got.body, "phone"), "+79123456789");
  EXPECT_EQ(JsonField(got.body, "birth_date"), "");  // registration does not use it
  EXPECT_EQ(JsonString(got.body, "purpose"), "registration");
  // Another purpose sees its own fields only (statistics rests on consent: give it first).
  ASSERT_EQ(konfid_
                ->Request("POST", "/v1/subjects/" + id + "/consents",
                          R"({"purpose":"statistics","action":"give"})", admin_)
                .status,
            201u);
  auto stats = Get("/v1/subjects/" + id + "?purpose=statistics");
  ASSERT_EQ(stats.status, 200u) << stats.body;
  EXPECT_EQ(JsonField(stats.body, "birth_date"), "1990-05-17");
  EXPECT_EQ(JsonField(stats.body, "surname"), "");
  EXPECT_EQ(JsonField(stats.body, "email"), "");

  // Any spelling of the email or the phone finds the subject.
  for (std::string q :
       {"email=ivan.petrov@example.com", "email=IVAN.PETROV%40EXAMPLE.COM", "phone=%2B79123456789",
        "phone=+7%20912%20345%2067%2089", "phone=89123456789", "phone=8(912)345-6789"}) {
    auto found = Get("/v1/subjects?purpose=registration&" + q);
    EXPECT_EQ(found.status, 200u) << q << ": " << found.body;
    EXPECT_EQ(JsonString(found.body, "id"), id) << q;
  }
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=nobody@example.com").status, 404u);

  auto patched =
      konfid_->Request("PATCH", "/v1/subjects/" + id,
                       R"({"fields":{"email":"new@example.com","patronymic":null}})", admin_);
  ASSERT_EQ(patched.status, 200u) << patched.body;
  got = Get("/v1/subjects/" + id + "?purpose=registration");
  EXPECT_EQ(JsonField(got.body, "email"), "new@example.com");
  EXPECT_EQ(JsonField(got.body, "patronymic"), "");
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=ivan.petrov@example.com").status,
            404u);  // old index entry gone
  EXPECT_EQ(JsonString(Get("/v1/subjects?purpose=registration&email=new@example.com").body, "id"),
            id);

  // The freed address can be used again.
  auto again = Post(R"({"fields":{"surname":"Б","name":"В","email":"ivan.petrov@example.com"}})");
  EXPECT_EQ(again.status, 201u) << again.body;

  auto deleted = konfid_->Request("DELETE", "/v1/subjects/" + id, "", admin_);
  EXPECT_EQ(deleted.status, 204u);
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration").status, 404u);
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&phone=89123456789").status, 404u);
  EXPECT_EQ(konfid_->Request("DELETE", "/v1/subjects/" + id, "", admin_).status, 404u);
}

TEST_P(ApiE2E, BadInputGetsAClearErrorAndWritesNothing) {
  ASSERT_EQ(Post(kIvan).status, 201u);
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  };
  std::vector<Case> cases = {
      {"{\"fields\":", 400, "invalid_json"},
      {"[1,2]", 400, "invalid_json"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com"},"extra":1})", 400,
       "unknown_field"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com","nickname":"x"}})", 400,
       "unknown_field"},
      {R"({"fields":{"surname":"A","name":"B","email":"not-an-email"}})", 400, "invalid_email"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com","phone":"12"}})", 400,
       "invalid_phone"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com","phone":"+7 000 000 00 00"}})",
       400, "invalid_phone"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com","birth_date":"1990-02-30"}})",
       400, "invalid_date"},
      {R"({"fields":{"surname":"A","name":"B"}})", 400, "required_field"},
      {R"({"fields":{"surname":1,"name":"B","email":"a@example.com"}})", 400, "invalid_value"},
      {R"({"fields":{"surname":")" + std::string(101, 'x') +
           R"(","name":"B","email":"a@example.com"}})",
       400, "too_long"},
      {R"({"fields":{"surname":"A","name":"B","email":"IVAN.petrov@example.com"}})", 409,
       "duplicate_email"},
      {R"({"fields":{"surname":"A","name":"B","email":"a@example.com","phone":"+79123456789"}})",
       409, "duplicate_phone"},
  };
  for (const auto& c : cases) {
    auto r = Post(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(Code(r), c.code) << c.body;
    EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  }
  // The duplicate-phone create had a new email: nothing of it may remain.
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=a@example.com").status, 404u);

  auto big = Post(R"({"fields":{"surname":")" + std::string(70 * 1024, 'x') + R"("}})");
  EXPECT_EQ(big.status, 413u);
  EXPECT_EQ(Code(big), "body_too_large");

  auto form = konfid_->Request("POST", "/v1/subjects", "", admin_);
  EXPECT_EQ(form.status, 400u);
  auto wrong_type = Http(konfid_->port(), "POST", "/v1/subjects", "a=b", admin_,
                         "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong_type.status, 415u);
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=a@example.com&phone=1").status, 400u);
  EXPECT_EQ(Code(Get("/v1/subjects?purpose=registration&surname=%D0%98")), "not_lookup_field");
  EXPECT_EQ(Code(Get("/v1/subjects?purpose=registration&surname=\xd0\x98")),
            "invalid_target");  // raw UTF-8 is not a URL
  EXPECT_EQ(konfid_->Request("PUT", "/v1/subjects", "", admin_).status, 405u);
  EXPECT_EQ(Get("/v1/nothing").status, 404u);
}

TEST_P(ApiE2E, KeysRolesAndTenants) {
  auto created = Post(kIvan);
  ASSERT_EQ(created.status, 201u);
  std::string id = JsonString(created.body, "id");

  auto none = konfid_->Request("GET", "/v1/subjects/" + id, "", "");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(Code(none), "missing_api_key");
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer realm=\"konfid\"");
  std::string forged = admin_;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", forged).status, 401u);
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", "kf_garbage").status, 401u);

  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", support_).status, 200u);
  auto denied = Post(R"({"fields":{"surname":"A","name":"B","email":"s@example.com"}})", support_);
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(Code(denied), "role");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", analyst_).status, 403u);
  EXPECT_EQ(konfid_->Request("DELETE", "/v1/subjects/" + id, "", support_).status, 403u);

  // Another tenant's key sees nothing of demo's subjects, and the same email is free there.
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", other_admin_).status, 404u);
  EXPECT_EQ(
      Get("/v1/subjects?purpose=registration&email=ivan.petrov@example.com", other_admin_).status,
      404u);
  EXPECT_EQ(konfid_->Request("DELETE", "/v1/subjects/" + id, "", other_admin_).status, 404u);
  EXPECT_EQ(Post(kIvan, other_admin_).status, 201u);
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration").status,
            200u);  // still there for demo
}

TEST_P(ApiE2E, ParallelCreatesOfOneEmailExactlyOneSucceeds) {
  constexpr int kClients = 24;
  std::atomic<int> created{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      std::string body = R"({"fields":{"surname":"Race","name":"N)" + std::to_string(i) +
                         R"(","email":"same@example.com"}})";
      auto r = Post(body);
      if (r.status == 201) {
        ++created;
      } else if (r.status == 409 && Code(r) == "duplicate_email") {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflict.load(), kClients - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(ApiE2E, HealthReadinessAndMetrics) {
  EXPECT_EQ(konfid_->Request("GET", "/healthz", "", "").status, 200u);
  EXPECT_EQ(konfid_->Request("GET", "/readyz", "", "").status, 200u);
  ASSERT_EQ(Post(kIvan).status, 201u);
  EXPECT_EQ(Get("/v1/subjects?purpose=registration&email=ivan.petrov@example.com").status, 200u);
  auto m = konfid_->Request("GET", "/metrics", "", "");
  ASSERT_EQ(m.status, 200u);
  EXPECT_NE(m.body.find(
                R"(konfid_http_requests_total{route="/v1/subjects",method="POST",status="201"} 1)"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find(
                "konfid_http_request_duration_seconds_bucket{route=\"/v1/subjects\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("konfid_audit_events_total 2"), std::string::npos) << m.body;
  EXPECT_EQ(m.body.find("ivan"), std::string::npos);  // no values, no query strings
}

TEST_P(ApiE2E, AuditChainVerifiesAndKeysRotate) {
  auto created = Post(kIvan);
  ASSERT_EQ(created.status, 201u);
  std::string id = JsonString(created.body, "id");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration", analyst_).status,
            403u);  // denied attempts are events too
  std::string receipt_key = Http(konfid_->port(), "GET", "/v1/keys/receipt?tenant=demo").body;
  ASSERT_EQ(konfid_->Stop(), 0);

  std::vector<std::string> verify = {"audit", "verify", "--data", konfid_->data_dir()};
  for (auto& a : konfid_->DbArgs()) verify.push_back(a);
  auto v = RunKonfid(verify);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  // 3 keys created and version 1 published at start (admin events), then the 2 requests.
  EXPECT_NE(v.output.find("tenant demo: ok, 6 events"), std::string::npos) << v.output;

  std::vector<std::string> rotate = {"keys", "rotate", "--data", konfid_->data_dir()};
  for (auto& a : konfid_->DbArgs()) rotate.push_back(a);
  auto r = RunKonfid(rotate);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 subject keys"), std::string::npos) << r.output;

  konfid_->Start();  // under the new master key the same data reads back
  // The receipt key survives the rotation, so earlier receipts still verify.
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/keys/receipt?tenant=demo").body, receipt_key);
  auto got = Get("/v1/subjects/" + id + "?purpose=registration");
  EXPECT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(JsonField(got.body, "surname"), "Иванов");
  EXPECT_EQ(
      JsonString(Get("/v1/subjects?purpose=registration&email=ivan.petrov@example.com").body, "id"),
      id);
  ASSERT_EQ(konfid_->Stop(), 0);
  v = RunKonfid(verify);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  // The rotation is in every tenant's chain (and demo's has the two reads since).
  EXPECT_NE(v.output.find("tenant demo: ok, 9 events"), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("tenant other: ok, 3 events"), std::string::npos) << v.output;
  konfid_->Start();
}

}  // namespace konfid::e2e
