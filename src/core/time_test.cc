#include "core/time.h"

#include <gtest/gtest.h>

namespace konfid {
namespace {

UnixMicros At(const char* text) { return *ParseRfc3339(text); }

std::string Plus(const char* from, int64_t months) {
  return FormatRfc3339(AddCalendarMonths(At(from), months));
}

// Terms in months and years end on the corresponding day (Civil Code Art. 192), not after a
// fixed number of days.
TEST(CalendarMonths, ATermInYearsEndsOnTheCorrespondingDay) {
  // 3 × 365 days from here is 2029-11-30: 2028 has a 29 February.
  EXPECT_EQ(Plus("2026-12-01T10:15:00.250000Z", 36), "2029-12-01T10:15:00.250000Z");
  EXPECT_EQ(Plus("2026-12-01", 12), "2027-12-01T00:00:00.000000Z");
  EXPECT_EQ(Plus("2028-03-01", 12), "2029-03-01T00:00:00.000000Z");  // 366 days later
}

TEST(CalendarMonths, AMissingDayIsTheLastDayOfThatMonth) {
  EXPECT_EQ(Plus("2028-02-29T12:00:00Z", 12), "2029-02-28T12:00:00.000000Z");
  EXPECT_EQ(Plus("2028-02-29T12:00:00Z", 48), "2032-02-29T12:00:00.000000Z");
  EXPECT_EQ(Plus("2027-01-31", 1), "2027-02-28T00:00:00.000000Z");
  EXPECT_EQ(Plus("2028-01-31", 1), "2028-02-29T00:00:00.000000Z");
  EXPECT_EQ(Plus("2027-03-31", 1), "2027-04-30T00:00:00.000000Z");
  EXPECT_EQ(Plus("2027-08-31", 6), "2028-02-29T00:00:00.000000Z");
}

TEST(CalendarMonths, CountsAcrossYearsAndKeepsTheTimeOfDay) {
  EXPECT_EQ(Plus("2026-11-30T23:59:59Z", 1), "2026-12-30T23:59:59.000000Z");
  EXPECT_EQ(Plus("2026-12-15T00:00:01Z", 1), "2027-01-15T00:00:01.000000Z");
  EXPECT_EQ(Plus("2026-12-15", 25), "2029-01-15T00:00:00.000000Z");
  EXPECT_EQ(Plus("2026-12-15", 0), "2026-12-15T00:00:00.000000Z");
  EXPECT_EQ(Plus("1999-12-31T08:00:00Z", 120), "2009-12-31T08:00:00.000000Z");
}

}  // namespace
}  // namespace konfid
