// The source-notice suite (source_notices_suite_test.h) on SQLite.
#include "app/source_notices_suite_test.h"

namespace konfid::app::source_notices_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, SourceNoticesTest, ::testing::Values(fakes::OnSqlite()));
INSTANTIATE_TEST_SUITE_P(Sqlite, ExemptSourceNoticesTest, ::testing::Values(fakes::OnSqlite()));

}  // namespace
}  // namespace konfid::app::source_notices_suite
