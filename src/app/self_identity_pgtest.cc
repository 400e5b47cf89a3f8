// The one-time code and self-session suite (self_identity_suite_test.h) on PostgreSQL: the
// throwaway cluster, a fresh database for each test.
#include "app/self_identity_suite_test.h"

namespace konfid::app::self_identity_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, SelfIdentityTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::self_identity_suite
