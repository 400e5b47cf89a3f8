// The request suite (requests_suite_test.h) on PostgreSQL: the throwaway cluster, a fresh
// database for each test.
#include "app/erasure_kept_suite_test.h"
#include "app/exports_suite_test.h"
#include "app/requests_stop_suite_test.h"
#include "app/requests_suite_test.h"
#include "app/stats_suite_test.h"

namespace konfid::app::requests_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, RequestsTest, ::testing::Values(fakes::OnPostgres()));
INSTANTIATE_TEST_SUITE_P(Postgres, GdprRequestsTest, ::testing::Values(fakes::OnPostgres()));
INSTANTIATE_TEST_SUITE_P(Postgres, RuLegitimateInterestTest,
                         ::testing::Values(fakes::OnPostgres()));

INSTANTIATE_TEST_SUITE_P(Postgres, ErasureKeptTest, ::testing::Values(fakes::OnPostgres()));
INSTANTIATE_TEST_SUITE_P(Postgres, StatsTest, ::testing::Values(fakes::OnPostgres()));
INSTANTIATE_TEST_SUITE_P(Postgres, ExportsTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::requests_suite
