// The retention suite (retention_suite_test.h) on PostgreSQL: the throwaway cluster, a fresh
// database for each test.
#include "app/holds_suite_test.h"
#include "app/retention_suite_test.h"

namespace konfid::app::retention_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, RetentionTest, ::testing::Values(fakes::OnPostgres()));

INSTANTIATE_TEST_SUITE_P(Postgres, HoldsTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::retention_suite
