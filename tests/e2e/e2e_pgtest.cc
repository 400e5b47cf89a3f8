// End-to-end on PostgreSQL: the shared API suite against the throwaway cluster, each test on
// a fresh database.
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

}  // namespace
}  // namespace konfid::e2e
