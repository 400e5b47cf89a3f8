// The technical-events suite (tech_events_suite_test.h) on SQLite.
#include "app/tech_events_suite_test.h"

namespace konfid::app::tech_events_suite {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, TechEventsTest, ::testing::Values(fakes::OnSqlite()));

TEST(KeptSince, CountsDaysAsDaysAndMonthsByTheCalendar) {
  const UnixMicros march_31 = 1'806'451'200'000'000;  // 2027-03-31T00:00:00Z
  EXPECT_EQ(KeptSince(march_31, "90 days"), march_31 - 90 * kDay);
  EXPECT_EQ(KeptSince(march_31, "1 month"), march_31 - 31 * kDay);  // 2027-02-28
  EXPECT_EQ(KeptSince(march_31, "12 months"), KeptSince(march_31, "1 year"));
  EXPECT_FALSE(KeptSince(march_31, "forever"));
}

}  // namespace
}  // namespace konfid::app::tech_events_suite
