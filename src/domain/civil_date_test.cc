#include "domain/civil_date.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TEST(CivilDate, ParsesAndFormatsIsoDates) {
  auto d = ParseIsoDate("2025-11-01");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, (Date{2025, 11, 1}));
  EXPECT_EQ(FormatIsoDate(*d), "2025-11-01");
  EXPECT_EQ(FormatIsoDate({987, 3, 4}), "0987-03-04");
  ASSERT_TRUE(ParseIsoDate("2024-02-29").has_value());
}

TEST(CivilDate, RefusesWhatIsNotExactlyADayThatExists) {
  for (const char* text : {"", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-1-01",
                           "2025-01-1", " 2025-01-01", "2025-01-01 ", "2025-01-01T00:00:00Z",
                           "2025/01/01", "+025-01-01", "0000-01-01"}) {
    auto d = ParseIsoDate(text);
    ASSERT_FALSE(d.has_value()) << text;
    EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d.error().reason(), "invalid_date");
  }
}

TEST(CivilDate, DaysSinceEpochRoundTrips) {
  EXPECT_EQ(DaysSinceEpoch({1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch({1969, 12, 31}), -1);
  EXPECT_EQ(DaysSinceEpoch({2025, 1, 1}), 20089);  // 55 × 365 + 14 leap days
  EXPECT_EQ(DateFromDays(20089 + 364), (Date{2025, 12, 31}));
  for (int64_t day = 19000; day < 21500; ++day) ASSERT_EQ(DaysSinceEpoch(DateFromDays(day)), day);
}

TEST(CivilDate, WeekdaysAndDays) {
  EXPECT_EQ(WeekdayOf({2025, 1, 1}), Weekday::kWednesday);
  EXPECT_EQ(WeekdayOf({2026, 1, 1}), Weekday::kThursday);
  EXPECT_EQ(WeekdayOf({2025, 11, 1}), Weekday::kSaturday);
  EXPECT_TRUE(IsWeekend({2026, 5, 10}));
  EXPECT_FALSE(IsWeekend({2026, 5, 11}));
  EXPECT_EQ(AddDays({2025, 12, 2}, 30), (Date{2026, 1, 1}));
  EXPECT_EQ(AddDays({2026, 3, 1}, -1), (Date{2026, 2, 28}));
}

// The same date of the month, or the month's last day when it has no such date.
TEST(CivilDate, AddMonthsClipsToTheMonthsLastDay) {
  EXPECT_EQ(AddMonths({2025, 1, 15}, 1), (Date{2025, 2, 15}));
  EXPECT_EQ(AddMonths({2025, 1, 31}, 1), (Date{2025, 2, 28}));
  EXPECT_EQ(AddMonths({2024, 1, 31}, 1), (Date{2024, 2, 29}));
  EXPECT_EQ(AddMonths({2025, 3, 31}, 1), (Date{2025, 4, 30}));
  EXPECT_EQ(AddMonths({2025, 12, 31}, 1), (Date{2026, 1, 31}));
  EXPECT_EQ(AddMonths({2025, 1, 31}, 3), (Date{2025, 4, 30}));
  EXPECT_EQ(AddMonths({2025, 3, 31}, -1), (Date{2025, 2, 28}));
}

}  // namespace
}  // namespace konfid::domain
