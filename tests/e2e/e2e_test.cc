// End-to-end on SQLite: the shared API suite, plus what only a file database lets a test do
// directly: scan every byte for personal data, and tamper with the audit log behind the
// service's back.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api_e2e.h"
#include "backup_e2e.h"
#include "checkpoint_e2e.h"

namespace konfid::e2e {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, ApiE2E,
                         ::testing::Values(DbFactory([] { return std::string(); })));
INSTANTIATE_TEST_SUITE_P(Sqlite, CheckpointE2E,
                         ::testing::Values(DbFactory([] { return std::string(); })));
INSTANTIATE_TEST_SUITE_P(Sqlite, BackupE2E,
                         ::testing::Values(DbFactory([] { return std::string(); })));

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PersonalDataAtRest, NoValueAppearsInAnyFileOfTheDataDirectory) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  std::vector<std::string> needles;
  for (int i = 0; i < 40; ++i) {
    std::string n = std::to_string(1000 + i);
    std::string surname = "Кузнецова" + n, name = "Zinaida" + n,
                email = "zina.k" + n + "@mail.example";
    std::string phone = "+7912555" + n;  // 11 digits
    std::string body = R"({"fields":{"surname":")" + surname + R"(","name":")" + name +
                       R"(","email":")" + email + R"(","phone":"8 912 555 )" + n +
                       R"(","birth_date":"1987-03-14","patronymic":"Олеговна"}})";
    auto r = konfid.Request("POST", "/v1/subjects", body, key);
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string id = JsonString(r.body, "id");
    ASSERT_EQ(
        konfid.Request("GET", "/v1/subjects?purpose=registration&email=" + email, "", key).status,
        200u);
    ASSERT_EQ(konfid
                  .Request("PATCH", "/v1/subjects/" + id,
                           R"({"fields":{"name":")" + name + R"(x"}})", key)
                  .status,
              200u);
    // A failed write carries values too: they must not reach logs or the audit log.
    konfid.Request(
        "POST", "/v1/subjects",
        R"({"fields":{"surname":")" + surname + R"(","name":"x","email":"bad)" + n + R"(@@x"}})",
        key);
    needles.insert(needles.end(),
                   {surname, name, email, phone, phone.substr(1), "912555" + n, "Олеговна"});
  }
  // Look while the server runs (WAL not yet checkpointed) and again after it stopped.
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      ASSERT_EQ(konfid.Stop(), 0);
    }
    auto files = Files(konfid.data_dir());
    ASSERT_TRUE(files.contains(konfid.data_dir() + "/konfid.db"));
    ASSERT_TRUE(files.contains(konfid.log_path()));
    for (const auto& [path, bytes] : files) {
      if (path.ends_with(".toml")) continue;  // the policy, no personal data
      for (const auto& needle : needles)
        EXPECT_EQ(bytes.find(needle), std::string::npos)
            << needle << " in " << path << " (pass " << pass << ")";
      EXPECT_EQ(bytes.find("1987-03-14"), std::string::npos) << path;
      EXPECT_EQ(bytes.find("bad1000@@x"), std::string::npos) << path;
    }
  }
}

// Runs SQL on the database file directly, as an intruder with file access would.
void Sql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

class AuditTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string key = konfid_.CreateKey("demo", "admin");
    konfid_.Start();
    for (int i = 0; i < 3; ++i) {
      auto r = konfid_.Request("POST", "/v1/subjects",
                               R"({"fields":{"surname":"S","name":"N","email":"t)" +
                                   std::to_string(i) + R"(@example.com"}})",
                               key);
      ASSERT_EQ(r.status, 201u);
      ASSERT_EQ(
          konfid_
              .Request("GET", "/v1/subjects/" + JsonString(r.body, "id") + "?purpose=registration",
                       "", key)
              .status,
          200u);
    }
    // 8 events: the key's creation, version 1 of the policy published at start, 3 x 2 requests.
    ASSERT_EQ(konfid_.Stop(), 0);
    db_ = konfid_.data_dir() + "/konfid.db";
  }
  CommandResult Verify() { return RunKonfid({"audit", "verify", "--data", konfid_.data_dir()}); }
  // Runs `sql` on the file behind the service's back; verify must fail naming event `seq`.
  void TamperAndExpectBrokenAt(const std::string& sql, int seq) {
    Sql(db_, sql);
    auto r = Verify();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("BROKEN at event " + std::to_string(seq)), std::string::npos)
        << r.output;
  }

  Instance konfid_;
  std::string db_;
};

TEST_F(AuditTamper, UntouchedChainVerifies) {
  auto r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tenant demo: ok, 8 events"), std::string::npos) << r.output;
}

TEST_F(AuditTamper, ChangedEventFails) {
  TamperAndExpectBrokenAt(
      "UPDATE audit_events SET operation = 'use' WHERE tenant_id = 'demo' AND seq = 4", 4);
}

TEST_F(AuditTamper, DeletedEventFails) {
  TamperAndExpectBrokenAt("DELETE FROM audit_events WHERE tenant_id = 'demo' AND seq = 2", 2);
}

TEST_F(AuditTamper, DeletedLastEventFails) {
  TamperAndExpectBrokenAt("DELETE FROM audit_events WHERE tenant_id = 'demo' AND seq = 8", 8);
}

TEST_F(AuditTamper, InsertedEventFailsEvenWithTheHeadMoved) {
  // A forged ninth event, chained to the real eighth, and the head moved to match it: without
  // the tenant's audit key the intruder cannot compute its MAC.
  TamperAndExpectBrokenAt(
      "INSERT INTO audit_events SELECT tenant_id, 9, time + 1, actor, 'extract', subject_id, "
      "fields, purpose,"
      " ground, outcome, reason, hash, randomblob(32) FROM audit_events WHERE tenant_id = 'demo' "
      "AND seq = 8;"
      "UPDATE audit_heads SET seq = 9, hash = (SELECT hash FROM audit_events WHERE tenant_id = "
      "'demo' AND seq = 9)"
      " WHERE tenant_id = 'demo'",
      9);
}

TEST_F(AuditTamper, InsertedEventBeyondTheHeadFails) {
  TamperAndExpectBrokenAt(
      "INSERT INTO audit_events SELECT tenant_id, 9, time + 1, actor, operation, subject_id, "
      "fields, purpose,"
      " ground, outcome, reason, hash, hash FROM audit_events WHERE tenant_id = 'demo' AND seq = "
      "8",
      9);
}

TEST(StartUp, RefusesWithAClearMessage) {
  konfid::testing::TempDir empty;
  auto r = RunKonfid({"serve", "--data", empty.path() + "/none", "--config",
                      konfid::testing::SourceDir() + "/examples/konfid.toml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("konfid init"), std::string::npos) << r.output;

  Instance konfid;
  std::string key_path = konfid.data_dir() + "/master.key";
  std::string key = ReadAll(key_path);
  std::vector<std::string> serve = {"serve", "--data", konfid.data_dir(), "--config",
                                    konfid.config_path()};

  chmod(key_path.c_str(), 0644);
  r = RunKonfid(serve);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("chmod 600"), std::string::npos) << r.output;

  std::filesystem::remove(key_path);
  r = RunKonfid(serve);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("no master key"), std::string::npos) << r.output;

  std::ofstream(key_path) << std::string(64, 'a') << "\n";
  chmod(key_path.c_str(), 0600);
  r = RunKonfid(serve);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("does not match"), std::string::npos) << r.output;

  std::ofstream(key_path) << key;
  // A policy that fails its checks stops the start, naming file and line.
  std::string policy_path = konfid.data_dir() + "/policy.toml";
  std::string policy = ReadAll(policy_path);
  std::ofstream(policy_path) << Replaced(
      policy, "country = \"RU\"\nrole = \"processor\"\npurposes = [\"newsletter\"]",
      "country = \"DE\"\nrole = \"processor\"\npurposes = [\"newsletter\"]");
  r = RunKonfid(serve);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(policy_path + ":"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("needs cross_border = true"), std::string::npos) << r.output;
  std::ofstream(policy_path) << policy;
  // So does a time zone the time-zone database does not know: it would not be taken as UTC.
  std::ofstream(policy_path) << Replaced(policy, "time_zone = \"Europe/Moscow\"",
                                         "time_zone = \"Mars/Olympus\"");
  r = RunKonfid(serve);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("policy demo: unknown time_zone 'Mars/Olympus'"), std::string::npos)
      << r.output;
  std::ofstream(policy_path) << policy;

  r = RunKonfid(
      {"apikey", "create", "--data", konfid.data_dir(), "--tenant", "demo", "--role", "wizard"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("unknown role"), std::string::npos) << r.output;
}

TEST(StartUp, MasterKeyFromTheEnvironment) {
  konfid::testing::TempDir dir;
  std::string data = dir.path() + "/data", key(64, '7');
  std::string config = konfid::testing::SourceDir() + "/examples/konfid.toml";
  auto r = RunKonfid({"init", "--data", data, "--config", config}, key);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(data + "/master.key"));  // the environment's key is used
  r = RunKonfid({"apikey", "create", "--data", data, "--tenant", "demo", "--role", "admin"}, key);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunKonfid({"audit", "verify", "--data", data});  // no key at all: refused, and says why
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("KONFID_MASTER_KEY is not set"), std::string::npos) << r.output;
  r = RunKonfid({"audit", "verify", "--data", data}, std::string(64, '8'));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("does not match"), std::string::npos) << r.output;
  r = RunKonfid({"audit", "verify", "--data", data}, "abc");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("64 hex characters"), std::string::npos) << r.output;
}

TEST(StartUp, RefusesASchemaNewerThanItKnows) {
  Instance konfid;
  Sql(konfid.data_dir() + "/konfid.db",
      "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')");
  auto r = RunKonfid({"serve", "--data", konfid.data_dir(), "--config", konfid.config_path()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("newer than this konfid knows"), std::string::npos) << r.output;
}

TEST(Drain, SigtermUnderLoadExitsCleanlyAndLosesNothingAcknowledged) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        std::string email = "d" + std::to_string(c) + "x" + std::to_string(i) + "@example.com";
        try {
          auto r = konfid.Request(
              "POST", "/v1/subjects",
              R"({"fields":{"surname":"S","name":"N","email":")" + email + R"("}})", key);
          if (r.status == 201) {
            std::lock_guard lock(mu);
            acknowledged.push_back(email);
          }
        } catch (const std::exception&) {
          return;  // the server has stopped accepting: expected during the drain
        }
      }
    });
  }
  // SIGTERM once the load is on (some creates acknowledged), however fast the machine is.
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(10))) {  // a poll, not a wait
    std::lock_guard lock(mu);
    if (acknowledged.size() >= 20) break;
  }
  EXPECT_EQ(konfid.Stop(), 0);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GE(acknowledged.size(), 20u);

  konfid.Start();  // every create that was acknowledged is there
  for (const auto& email : acknowledged)
    EXPECT_EQ(
        konfid.Request("GET", "/v1/subjects?purpose=registration&email=" + email, "", key).status,
        200u)
        << email;
  ASSERT_EQ(konfid.Stop(), 0);
  auto v = RunKonfid({"audit", "verify", "--data", konfid.data_dir()});
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

// A job runs when an admin triggers it and answers what it did; the periods are an hour, so
// every pass below is one of these.
TEST(Jobs, AnAdminRunsAJobNowAndReadsItsReport) {
  Instance konfid;  // no [mail] smtp_url: no outbox job
  std::string admin = konfid.CreateKey("demo", "admin");
  std::string analyst = konfid.CreateKey("demo", "analyst");
  konfid.AddConfig(kJobsOnTrigger);
  konfid.Start();
  auto expiry = konfid.RunJob("expiry", admin);
  ASSERT_EQ(expiry.status, 200u) << expiry.body;
  EXPECT_EQ(expiry.headers["content-type"], "application/json");
  EXPECT_EQ(expiry.body, R"({"job":"expiry","expired":0})");
  EXPECT_EQ(konfid.RunJob("policy", admin).body, R"({"job":"policy","activated":0})");
  auto ckpt = konfid.RunJob("audit-ckpt", admin);
  EXPECT_EQ(JsonString(ckpt.body, "job"), "audit-ckpt") << ckpt.body;

  auto unknown = konfid.RunJob("outbox", admin);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(JsonString(unknown.body, "code"), "not_found") << unknown.body;
  EXPECT_EQ(konfid.RunJob("expiry", analyst).status, 403u);
  EXPECT_EQ(konfid.RunJob("expiry", "").status, 401u);
  auto get = konfid.Request("GET", "/v1/jobs/expiry/run", "", admin);
  EXPECT_EQ(get.status, 405u);
  EXPECT_EQ(get.headers["allow"], "POST");
  EXPECT_EQ(konfid.Request("POST", "/v1/jobs/expiry", "", admin).status, 404u);

  // Counted like scheduled passes, and logged with the key that asked.
  std::string metrics = konfid.Request("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("konfid_job_runs_total{job=\"expiry\",result=\"ok\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(konfid.Stop(), 0);
  std::ifstream log(konfid.log_path());
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find(R"("event":"job_run","job":"expiry")"), std::string::npos);
}

TEST(PolicyCommands, CheckRenderDiffAndPublishToARunningServer) {
  konfid::testing::TempDir dir;
  std::string example = konfid::testing::SourceDir() + "/examples/policy.toml";
  auto ok = RunKonfid({"policy", "check", example});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("0 errors, 0 warnings"), std::string::npos) << ok.output;

  // Every error and warning, each naming file and line; exit 1 while any error remains.
  std::string bad = dir.path() + "/bad.toml";
  std::string text = Replaced(SourceFile("examples/policy.toml"), "inn = \"7701234567\"\n", "");
  text = Replaced(text, "retention = \"1 year\"\non_expiry = \"depersonalize\"",
                  "retention = \"soon\"\non_expiry = \"depersonalize\"");
  std::ofstream(bad) << text;
  auto check = RunKonfid({"policy", "check", bad});
  EXPECT_EQ(check.exit_code, 1);
  // The line of [operator], counted rather than written, so the example may grow above it.
  std::string op_line = std::to_string(
      1 + std::count(text.begin(), text.begin() + text.find("\n[operator]") + 1, '\n'));
  EXPECT_NE(check.output.find(bad + ":" + op_line + ": error: [operator] has no inn"),
            std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(": error: purpose 'statistics' retention 'soon' cannot be parsed"),
            std::string::npos);
  EXPECT_NE(check.output.find("2 errors, 0 warnings"), std::string::npos) << check.output;
  auto refused = RunKonfid({"policy", "render", bad});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("has no inn"), std::string::npos);

  auto render = RunKonfid({"policy", "render", example, "--lang", "en", "--format", "html",
                           "--document", "consent/newsletter"});
  EXPECT_EQ(render.exit_code, 0) << render.output;
  EXPECT_NE(render.output.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(render.output.find("Consent to the processing of personal data"), std::string::npos);

  std::string wider = dir.path() + "/wider.toml";
  std::ofstream(wider) << Replaced(
      SourceFile("examples/policy.toml"), "fields = [\"name\", \"email\"]\nground = \"consent\"",
      "fields = [\"name\", \"email\", \"city\"]\nground = \"consent\"");
  auto diff = RunKonfid({"policy", "diff", example, wider});
  EXPECT_EQ(diff.exit_code, 1);
  EXPECT_NE(diff.output.find("widened  recipient 'mailer': fields: + city  [material]"),
            std::string::npos)
      << diff.output;
  EXPECT_NE(diff.output.find("material: subjects must be notified"), std::string::npos);
  EXPECT_EQ(RunKonfid({"policy", "diff", example, example}).exit_code, 0);

  // Publishing from the command line reaches a server that is running.
  Instance konfid;
  konfid.Start();
  EXPECT_EQ(WaitForPolicyVersion(konfid.port(), "demo", "1"), "1");
  std::string wider_demo = dir.path() + "/wider-mailer.toml";
  std::ofstream(wider_demo) << Replaced(
      SourceFile("examples/policy.toml"),
      "purposes = [\"newsletter\"]\n# What the mailer needs for email; the operator sends text "
      "messages itself.\nfields = [\"name\", \"email\"]",
      "purposes = [\"newsletter\", \"support\"]\nfields = [\"name\", \"email\", "
      "\"surname\"]");
  // A material change sooner than the 10 days' notice the policy promises is refused...
  auto soon = RunKonfid({"policy", "publish", wider_demo, "--data", konfid.data_dir()});
  EXPECT_NE(soon.exit_code, 0);
  EXPECT_NE(soon.output.find("promises 10 days' notice"), std::string::npos) << soon.output;
  // ...unless the operator says it cannot wait.
  auto publish =
      RunKonfid({"policy", "publish", wider_demo, "--short-notice", "--data", konfid.data_dir()});
  EXPECT_EQ(publish.exit_code, 0) << publish.output;
  EXPECT_NE(publish.output.find("short notice: version 1 promised 10 days"), std::string::npos)
      << publish.output;
  EXPECT_NE(publish.output.find("Published version 2 of tenant demo"), std::string::npos)
      << publish.output;
  EXPECT_NE(publish.output.find("(material change)"), std::string::npos);
  EXPECT_EQ(WaitForPolicyVersion(konfid.port(), "demo", "2"), "2");
  auto again =
      RunKonfid({"policy", "publish", wider_demo, "--short-notice", "--data", konfid.data_dir()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("declares nothing new against version 2"), std::string::npos)
      << again.output;
  EXPECT_EQ(konfid.Stop(), 0);
}

TEST(ApiKeyCreate, PrintsTheKeyLastAndStoresOnlyItsHash) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "operator");
  ASSERT_TRUE(key.starts_with("kf_")) << key;
  std::string secret = key.substr(key.rfind('_') + 1);
  for (const auto& [path, bytes] : Files(konfid.data_dir()))
    EXPECT_EQ(bytes.find(secret), std::string::npos) << path;
}

// Rows of `sql` on the database file, each row's columns joined by '|'.
std::vector<std::string> Rows(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) return out;
  sqlite3_exec(
      h, sql.c_str(),
      [](void* rows, int n, char** values, char**) {
        std::string row;
        for (int i = 0; i < n; ++i) row += (i ? "|" : "") + std::string(values[i] ? values[i] : "");
        static_cast<std::vector<std::string>*>(rows)->push_back(row);
        return 0;
      },
      &out, nullptr);
  sqlite3_close(h);
  return out;
}

// Issue 11, point 12: each admin action is an event of the chain, naming who and what.
TEST(AdminEvents, NameTheActorAndWhatWasActedOn) {
  Instance konfid;
  std::string admin = konfid.CreateKey("demo", "admin");
  std::string support = konfid.CreateKey("demo", "support");
  konfid.Start();
  std::string admin_id = admin.substr(3, 16), support_id = support.substr(3, 16);
  ASSERT_EQ(konfid.Request("DELETE", "/v1/apikeys/" + support_id, "", admin).status, 204u);
  ASSERT_EQ(konfid.Stop(), 0);
  std::string policy = konfid.data_dir() + "/policy2.toml";
  std::ofstream(policy) << Replaced(SourceFile("examples/policy.toml"), "notice_days = 10",
                                    "notice_days = 14");
  auto r = RunKonfid({"policy", "publish", policy, "--data", konfid.data_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunKonfid({"keys", "rotate", "--data", konfid.data_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto rows = Rows(konfid.data_dir() + "/konfid.db",
                   "SELECT actor, operation, reason, outcome FROM audit_events"
                   " WHERE tenant_id = 'demo' ORDER BY seq");
  std::vector<std::string> want = {
      "system:cli|apikey_created|apikey:" + admin_id + " role:admin|ok",
      "system:cli|apikey_created|apikey:" + support_id + " role:support|ok",
      "system:serve|policy_published|version:1|ok",
      "apikey:" + admin_id + "|apikey_revoked|apikey:" + support_id + "|ok",
      "system:cli|policy_published|version:2|ok",
      "system:cli|master_key_rotated|epoch:2|ok"};
  EXPECT_EQ(rows, want);
  EXPECT_EQ(Rows(konfid.data_dir() + "/konfid.db",
                 "SELECT operation, reason FROM audit_events WHERE tenant_id = 'other'"
                 " AND operation = 'master_key_rotated'"),
            std::vector<std::string>{"master_key_rotated|epoch:2"});
  r = RunKonfid({"audit", "verify", "--data", konfid.data_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace konfid::e2e
