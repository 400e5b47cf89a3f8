// End-to-end on PostgreSQL: the shared API suite against the throwaway cluster, each test on
// a fresh database.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_e2e.h"
#include "backup_e2e.h"
#include "checkpoint_e2e.h"

namespace konfid::e2e {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ApiE2E, ::testing::Values(DbFactory([] {
                           std::string url = konfid::testing::FreshPostgresDatabase();
                           EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
                           return url;
                         })));
INSTANTIATE_TEST_SUITE_P(Postgres, CheckpointE2E, ::testing::Values(DbFactory([] {
                           std::string url = konfid::testing::FreshPostgresDatabase();
                           EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
                           return url;
                         })));
INSTANTIATE_TEST_SUITE_P(Postgres, BackupE2E, ::testing::Values(DbFactory([] {
                           std::string url = konfid::testing::FreshPostgresDatabase();
                           EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
                           return url;
                         })));

// The database can come from the config's [storage] db instead of --db, for every command.
TEST(PostgresFromConfig, EveryCommandReadsTheConfigEntry) {
  std::string url = konfid::testing::FreshPostgresDatabase();
  ASSERT_FALSE(url.empty());
  konfid::testing::TempDir dir;
  std::string config = dir.path() + "/konfid.toml", data = dir.path() + "/data";
  std::ofstream(config) << "[storage]\ndb = \"" << url << "\"\n[[tenant]]\npolicy = \""
                        << konfid::testing::SourceDir() << "/examples/policy.toml\"\n";
  auto r = RunKonfid({"init", "--data", data, "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(postgres)"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(data + "/konfid.db"));
  r = RunKonfid({"apikey", "create", "--data", data, "--config", config, "--tenant", "demo",
                 "--role", "admin"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunKonfid({"audit", "verify", "--data", data, "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tenant demo: ok, 1 events"), std::string::npos) << r.output;
  r = RunKonfid({"keys", "rotate", "--data", data, "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// PostgreSQL goes away under a running server (a cluster of the test's own, stopped): the
// next request is a 503 with a request_failed log line, /readyz says so within seconds, and a
// job's pass that fails is logged (job_failed) and counted as failed. (Not a pass triggered
// through the API: the key's recheck needs the database too.)
TEST(PostgresFailure, AStoppedDatabaseGivesA503ALogLineAndAnUnreadyProbe) {
  konfid::testing::TempDir cluster;
  std::string script = konfid::testing::SourceDir() + "/tests/support/pg_cluster.sh";
  struct StopAtEnd {
    std::string command;
    ~StopAtEnd() { (void)std::system(command.c_str()); }  // idempotent
  } stop_at_end{script + " stop " + cluster.path() + "/pg"};
  ASSERT_EQ(std::system((script + " start " + cluster.path() + "/pg >/dev/null").c_str()), 0);
  std::ifstream url_file(cluster.path() + "/pg/url");
  std::string url;
  std::getline(url_file, url);
  ASSERT_FALSE(url.empty());
  {
    Instance konfid(url);
    std::string key = konfid.CreateKey("demo", "admin");
    konfid.AddConfig("[audit]\ncheckpoint_interval = 1\n");  // a pass that reads the database
    konfid.Start();
    auto created = konfid.Request(
        "POST", "/v1/subjects",
        R"({"fields":{"surname":"Тестова","name":"Тина","email":"tina@example.com"}})", key);
    ASSERT_EQ(created.status, 201u) << created.body;
    ASSERT_EQ(std::system((script + " stop " + cluster.path() + "/pg").c_str()), 0);

    auto failed = Http(konfid.port(), "GET",
                       "/v1/subjects/" + JsonString(created.body, "id") + "?purpose=registration",
                       "", key, "", {{"X-Request-Id", "pg-down-1"}});
    EXPECT_EQ(failed.status, 503u) << failed.body;
    EXPECT_EQ(failed.headers["x-request-id"], "pg-down-1");
    auto start = std::chrono::steady_clock::now();
    auto ready = Http(konfid.port(), "GET", "/readyz");
    EXPECT_EQ(ready.status, 503u) << ready.body;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
    const std::string failed_pass = R"(konfid_job_runs_total{job="audit-ckpt",result="failed"})";
    std::string metrics;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         metrics.find(failed_pass) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(std::chrono::milliseconds(50)))  // a poll, not a wait
      metrics = Http(konfid.port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find(failed_pass), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(R"(konfid_log_events_total{event="job_failed",level="error"})"),
              std::string::npos)
        << metrics;
    konfid.Stop();
    std::ifstream log(konfid.log_path());
    std::string line, found;
    while (std::getline(log, line))
      if (line.find(R"("request_id":"pg-down-1")") != std::string::npos) found = line;
    EXPECT_NE(found.find(R"("event":"request_failed")"), std::string::npos) << found;
    EXPECT_NE(found.find(R"("route":"/v1/subjects/{id}")"), std::string::npos) << found;
    std::string all = Files(konfid.data_dir())[konfid.log_path()];
    size_t at = all.find(R"("event":"job_failed","job":"audit-ckpt")");
    ASSERT_NE(at, std::string::npos) << all;
    std::string job_line = all.substr(at, all.find('\n', at) - at);
    EXPECT_NE(job_line.find(R"("code":"unavailable")"), std::string::npos) << job_line;
  }
}

std::string ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string hex;
  in >> hex;
  return hex;
}

// Regression (issue 11): two nodes on one database, the master key rotated on one. The other
// still holds the old key and has no file of the new one: it must not wrap new subject keys
// under the old key (they could never be read again), so it refuses writes and leaves the
// load balancer (/readyz 503) until it restarts with the new key; nothing it acknowledged is
// lost.
TEST(PostgresNodes, ANodeWithTheOldKeyRefusesToWrapUnderIt) {
  std::string url = konfid::testing::FreshPostgresDatabase();
  ASSERT_FALSE(url.empty());
  Instance first(url);
  std::string key = first.CreateKey("demo", "admin");
  first.Start();
  Instance second(url, "", ReadKeyFile(first.data_dir() + "/master.key"));
  second.Start();
  const char* body = R"({"fields":{"surname":"Second","name":"N","email":"s1@example.com"}})";
  auto before = second.Request("POST", "/v1/subjects", body, key);
  ASSERT_EQ(before.status, 201u) << before.body;

  auto r = RunKonfid({"keys", "rotate", "--data", first.data_dir(), "--db", url});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto refused =
      second.Request("POST", "/v1/subjects",
                     R"({"fields":{"surname":"Second","name":"N","email":"s2@example.com"}})", key);
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_EQ(JsonString(refused.body, "code"), "key_rotated");
  EXPECT_EQ(Http(second.port(), "GET", "/readyz").status, 503u);
  EXPECT_EQ(Http(first.port(), "GET", "/readyz").status, 200u);  // found master.key.next
  auto on_first =
      first.Request("POST", "/v1/subjects",
                    R"({"fields":{"surname":"First","name":"N","email":"f1@example.com"}})", key);
  ASSERT_EQ(on_first.status, 201u) << on_first.body;

  ASSERT_EQ(second.Stop(), 0);
  std::ifstream log(second.log_path());
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("the master key was rotated"), std::string::npos) << text.str();
  second.StartWithKey(ReadKeyFile(first.data_dir() + "/master.key"));
  for (const auto& id : {JsonString(before.body, "id"), JsonString(on_first.body, "id")}) {
    auto got = second.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", key);
    EXPECT_EQ(got.status, 200u) << got.body;
  }
  EXPECT_EQ(second
                .Request("POST", "/v1/subjects",
                         R"({"fields":{"surname":"S","name":"N","email":"s3@example.com"}})", key)
                .status,
            201u);
}

}  // namespace
}  // namespace konfid::e2e
