// The consent-jobs suite (consent_jobs_suite_test.h) on SQLite.
#include "app/consent_jobs_suite_test.h"

namespace konfid::app::consent_jobs_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, ConsentJobsTest, ::testing::Values(fakes::OnSqlite()));

}  // namespace
}  // namespace konfid::app::consent_jobs_suite
