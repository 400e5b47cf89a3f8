// The retention suite (retention_suite_test.h) on SQLite.
#include "app/holds_suite_test.h"
#include "app/retention_suite_test.h"

namespace konfid::app::retention_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, RetentionTest, ::testing::Values(fakes::OnSqlite()));

INSTANTIATE_TEST_SUITE_P(Sqlite, HoldsTest, ::testing::Values(fakes::OnSqlite()));

}  // namespace
}  // namespace konfid::app::retention_suite
