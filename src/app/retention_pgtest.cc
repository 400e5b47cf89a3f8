// The retention suite (retention_suite_test.h) on PostgreSQL: the throwaway cluster, a fresh
// database for each test.
#include "app/retention_suite_test.h"

namespace konfid::app::retention_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, RetentionTest, ::testing::Values(DbFactory([] {
                           std::string url = konfid::testing::FreshPostgresDatabase();
                           EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
                           return url;
                         })));

}  // namespace
}  // namespace konfid::app::retention_suite
