// End-to-end on both backends: the master key rotated beside a server under load, API keys
// listed and revoked, and the admin events these leave in the audit chains.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "api_e2e.h"

namespace konfid::e2e {

namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

std::vector<std::string> WithDb(std::vector<std::string> args, const Instance& konfid) {
  for (auto& a : konfid.DbArgs()) args.push_back(a);
  return args;
}

// Creates subjects from `threads` threads until stopped; keeps what each 201 acknowledged.
class CreateLoad {
 public:
  CreateLoad(const Instance& konfid, std::string key, int threads) {
    for (int t = 0; t < threads; ++t)
      workers_.emplace_back([this, &konfid, key, t] {
        for (int i = 0; !stop_; ++i) {
          std::string n = std::to_string(t) + "x" + std::to_string(i);
          auto r = konfid.Request("POST", "/v1/subjects",
                                  R"({"fields":{"surname":"Load)" + n +
                                      R"(","name":"N",)"
                                      R"("email":"load)" +
                                      n + R"(@example.com"}})",
                                  key);
          std::lock_guard lock(mu_);
          if (r.status == 201)
            acknowledged_.emplace_back(JsonString(r.body, "id"), "Load" + n);
          else
            refused_.push_back(std::to_string(r.status) + " " + r.body);
        }
      });
  }
  ~CreateLoad() { Stop(); }
  // Waits until `count` more creates than now were acknowledged (10 s at most).
  void WaitForMore(size_t count) {
    size_t target = Acknowledged().size() + count;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Acknowledged().size() < target && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a poll, not a wait
  }
  void Stop() {
    stop_ = true;
    for (auto& w : workers_)
      if (w.joinable()) w.join();
  }
  std::vector<std::pair<std::string, std::string>> Acknowledged() {
    std::lock_guard lock(mu_);
    return acknowledged_;
  }
  std::vector<std::string> Refused() {
    std::lock_guard lock(mu_);
    return refused_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> acknowledged_;  // id, surname
  std::vector<std::string> refused_;
  std::vector<std::thread> workers_;
};

}  // namespace

// Regression (issue 11): `keys rotate` beside a live server used to leave the server wrapping
// new subject keys under the old key, and those subjects answered 500 data_loss after a
// restart. Now the server follows the database's key epoch and adopts the new key.
TEST_P(ApiE2E, KeyRotationDuringACreateLoadLosesNothing) {
  CreateLoad load(*konfid_, admin_, 3);
  load.WaitForMore(30);
  auto r = RunKonfid(WithDb({"keys", "rotate", "--data", konfid_->data_dir()}, *konfid_));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  load.WaitForMore(30);  // created under the new key
  load.Stop();
  EXPECT_EQ(Http(konfid_->port(), "GET", "/readyz").status, 200u);
  EXPECT_TRUE(load.Refused().empty()) << load.Refused().front();
  auto acknowledged = load.Acknowledged();
  ASSERT_GE(acknowledged.size(), 60u);

  ASSERT_EQ(konfid_->Stop(), 0);
  konfid_->Start();  // with master.key, now the new key
  for (const auto& [id, surname] : acknowledged) {
    auto got = Get("/v1/subjects/" + id + "?purpose=registration");
    ASSERT_EQ(got.status, 200u) << id << ": " << got.body;
    EXPECT_EQ(JsonField(got.body, "surname"), surname);
  }
  ASSERT_EQ(konfid_->Stop(), 0);
  auto v = RunKonfid(WithDb({"audit", "verify", "--data", konfid_->data_dir()}, *konfid_));
  EXPECT_EQ(v.exit_code, 0) << v.output;
  konfid_->Start();
}

TEST_P(ApiE2E, AdminsListAndRevokeTheirTenantsKeys) {
  auto list = Get("/v1/apikeys");
  ASSERT_EQ(list.status, 200u) << list.body;
  std::string support_id = support_.substr(3, 16), admin_id = admin_.substr(3, 16);
  EXPECT_NE(list.body.find("\"id\":\"" + support_id + "\""), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("\"role\":\"support\""), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find(other_admin_.substr(3, 16)), std::string::npos);  // other tenant's
  EXPECT_EQ(list.body.find(support_.substr(20)), std::string::npos);         // never a secret
  EXPECT_EQ(list.body.find("hash"), std::string::npos);
  EXPECT_EQ(Code(Get("/v1/apikeys", support_)), "role");

  // Another tenant's admin cannot revoke it, and learns nothing about it.
  auto foreign = konfid_->Request("DELETE", "/v1/apikeys/" + support_id, "", other_admin_);
  EXPECT_EQ(foreign.status, 404u);
  EXPECT_EQ(Code(foreign), "no_such_api_key");
  ASSERT_EQ(
      Get("/v1/subjects/00000000000000000000000000000000?purpose=registration", support_).status,
      404u);  // still valid, and now cached

  auto revoked = konfid_->Request("DELETE", "/v1/apikeys/" + support_id, "", admin_);
  EXPECT_EQ(revoked.status, 204u) << revoked.body;
  EXPECT_EQ(Code(Get("/v1/apikeys", support_)), "bad_api_key");
  EXPECT_EQ(Code(konfid_->Request("DELETE", "/v1/apikeys/" + support_id, "", admin_)),
            "api_key_revoked");
  list = Get("/v1/apikeys");
  EXPECT_EQ(list.body.find("\"revoked_at\":null,\"id\":\"" + support_id), std::string::npos);
  EXPECT_NE(list.body.find("\"revoked_at\":\"20"), std::string::npos) << list.body;
  EXPECT_EQ(konfid_->Request("GET", "/v1/apikeys/" + admin_id, "", admin_).status, 405u);
}

// Regression (issue 11): a verified key stayed cached for the life of the process. Revoked
// by another process (the CLI; on PostgreSQL it could be another node), it is refused within
// a second.
TEST_P(ApiE2E, AKeyRevokedElsewhereIsRefusedWithinASecond) {
  std::string analyst_id = analyst_.substr(3, 16);
  ASSERT_EQ(
      Code(Get("/v1/subjects/00000000000000000000000000000000?purpose=registration", analyst_)),
      "role");  // authenticated, so cached
  auto r = RunKonfid(
      WithDb({"apikey", "revoke", analyst_id, "--tenant", "other", "--data", konfid_->data_dir()},
             *konfid_));
  EXPECT_NE(r.exit_code, 0);  // not that tenant's key
  r = RunKonfid(
      WithDb({"apikey", "revoke", analyst_id, "--tenant", "demo", "--data", konfid_->data_dir()},
             *konfid_));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto revoked_at = std::chrono::steady_clock::now();
  std::string code;
  while (std::chrono::steady_clock::now() - revoked_at < std::chrono::milliseconds(1500)) {
    code =
        Code(Get("/v1/subjects/00000000000000000000000000000000?purpose=registration", analyst_));
    if (code == "bad_api_key") break;
  }
  EXPECT_EQ(code, "bad_api_key");
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(1));

  auto list = RunKonfid(WithDb({"apikey", "list", "--data", konfid_->data_dir()}, *konfid_));
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(analyst_id + "  demo  analyst  "), std::string::npos) << list.output;
  EXPECT_NE(list.output.find(other_admin_.substr(3, 16) + "  other  admin  "), std::string::npos);
  EXPECT_EQ(list.output.find(analyst_.substr(20)), std::string::npos);  // never a secret

  auto nosuch = RunKonfid(WithDb(
      {"apikey", "create", "--data", konfid_->data_dir(), "--tenant", "nosuch", "--role", "admin"},
      *konfid_));
  EXPECT_EQ(nosuch.exit_code, 2);
  EXPECT_NE(nosuch.output.find("tenant 'nosuch' is not configured"), std::string::npos)
      << nosuch.output;
}

// Issue 11, point 12: publishing a policy, creating and revoking keys, and rotating the master
// key are events of the tenants' chains, and the chains still verify.
TEST_P(ApiE2E, AdminActionsAreInTheAuditChains) {
  auto verify = [&] {
    auto v = RunKonfid(WithDb({"audit", "verify", "--data", konfid_->data_dir()}, *konfid_));
    EXPECT_EQ(v.exit_code, 0) << v.output;
    return v.output;
  };
  ASSERT_EQ(konfid_->Stop(), 0);
  // Three keys made by the CLI and version 1 published when the server first started.
  EXPECT_NE(verify().find("tenant demo: ok, 4 events"), std::string::npos);
  konfid_->Start();
  ASSERT_EQ(konfid_->Request("DELETE", "/v1/apikeys/" + support_.substr(3, 16), "", admin_).status,
            204u);
  std::string policy = SourceFile("examples/policy.toml");
  auto published =
      Http(konfid_->port(), "POST", "/v1/policy/versions?short_notice=true",
           Replaced(policy, "notice_days = 10", "notice_days = 14"), admin_, "application/toml");
  ASSERT_EQ(published.status, 201u) << published.body;
  ASSERT_EQ(konfid_->Stop(), 0);
  EXPECT_NE(verify().find("tenant demo: ok, 6 events"), std::string::npos);
  auto r = RunKonfid(WithDb({"keys", "rotate", "--data", konfid_->data_dir()}, *konfid_));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string out = verify();
  EXPECT_NE(out.find("tenant demo: ok, 7 events"), std::string::npos) << out;
  EXPECT_NE(out.find("tenant other: ok, 3 events"), std::string::npos) << out;
  konfid_->Start();
}

}  // namespace konfid::e2e
