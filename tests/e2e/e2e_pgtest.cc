// End-to-end on PostgreSQL: the shared API suite against the throwaway cluster, each test on
// a fresh database.
#include "api_e2e.h"

namespace konfid::e2e {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ApiE2E, ::testing::Values(DbFactory([] {
                           std::string url = konfid::testing::FreshPostgresDatabase();
                           EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
                           return url;
                         })));

}  // namespace
}  // namespace konfid::e2e
