// The request suite (requests_suite_test.h) on SQLite.
#include "app/erasure_kept_suite_test.h"
#include "app/exports_suite_test.h"
#include "app/requests_stop_suite_test.h"
#include "app/requests_suite_test.h"
#include "app/stats_suite_test.h"

namespace konfid::app::requests_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, RequestsTest, ::testing::Values(fakes::OnSqlite()));
INSTANTIATE_TEST_SUITE_P(Sqlite, GdprRequestsTest, ::testing::Values(fakes::OnSqlite()));
INSTANTIATE_TEST_SUITE_P(Sqlite, RuLegitimateInterestTest, ::testing::Values(fakes::OnSqlite()));

INSTANTIATE_TEST_SUITE_P(Sqlite, ErasureKeptTest, ::testing::Values(fakes::OnSqlite()));
INSTANTIATE_TEST_SUITE_P(Sqlite, StatsTest, ::testing::Values(fakes::OnSqlite()));
INSTANTIATE_TEST_SUITE_P(Sqlite, ExportsTest, ::testing::Values(fakes::OnSqlite()));

}  // namespace
}  // namespace konfid::app::requests_suite
