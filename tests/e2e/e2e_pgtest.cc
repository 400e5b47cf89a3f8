// End-to-end on PostgreSQL: the shared API suite against the throwaway cluster, each test on
// a fresh database.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "api_e2e.h"
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
  EXPECT_NE(r.output.find("tenant demo: ok, 0 events"), std::string::npos) << r.output;
  r = RunKonfid({"keys", "rotate", "--data", data, "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// PostgreSQL goes away under a running server (a cluster of the test's own, stopped): the
// next request is a 503 with a request_failed log line, and /readyz says so within seconds.
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
    konfid.Stop();
    std::ifstream log(konfid.log_path());
    std::string line, found;
    while (std::getline(log, line))
      if (line.find(R"("request_id":"pg-down-1")") != std::string::npos) found = line;
    EXPECT_NE(found.find(R"("event":"request_failed")"), std::string::npos) << found;
    EXPECT_NE(found.find(R"("route":"/v1/subjects/{id}")"), std::string::npos) << found;
  }
}

}  // namespace
}  // namespace konfid::e2e
