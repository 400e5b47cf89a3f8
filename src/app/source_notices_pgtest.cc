// The source-notice suite (source_notices_suite_test.h) on PostgreSQL: the throwaway cluster, a
// fresh database for each test.
#include "app/source_notices_suite_test.h"

namespace konfid::app::source_notices_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, SourceNoticesTest, ::testing::Values(fakes::OnPostgres()));
INSTANTIATE_TEST_SUITE_P(Postgres, ExemptSourceNoticesTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::source_notices_suite
