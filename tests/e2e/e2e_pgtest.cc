// End-to-end on PostgreSQL: the shared API suite against the throwaway cluster, each test on
// a fresh database.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_e2e.h"

namespace konfid::e2e {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ApiE2E, ::testing::Values(DbFactory([] {
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
