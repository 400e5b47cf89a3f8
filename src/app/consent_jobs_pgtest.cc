// The consent-jobs suite (consent_jobs_suite_test.h) on PostgreSQL: the throwaway cluster, a fresh
// database for each test.
#include "app/consent_jobs_suite_test.h"

namespace konfid::app::consent_jobs_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, ConsentJobsTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::consent_jobs_suite
