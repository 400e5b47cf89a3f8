// The technical-events suite (tech_events_suite_test.h) on PostgreSQL: the throwaway cluster,
// a fresh database for each test.
#include "app/tech_events_suite_test.h"

namespace konfid::app::tech_events_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, TechEventsTest, ::testing::Values(fakes::OnPostgres()));

}  // namespace
}  // namespace konfid::app::tech_events_suite
