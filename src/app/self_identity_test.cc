// The one-time code and self-session suite (self_identity_suite_test.h) on SQLite.
#include "app/self_identity_suite_test.h"

namespace konfid::app::self_identity_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, SelfIdentityTest, ::testing::Values(fakes::OnSqlite()));

}  // namespace
}  // namespace konfid::app::self_identity_suite
