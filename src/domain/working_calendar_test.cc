#include "domain/working_calendar.h"

#include <gtest/gtest.h>

#include "domain/embedded_calendars.h"

namespace konfid::domain {
namespace {

Date D(const char* text) { return ParseIsoDate(text).value(); }

WorkingCalendar Russian() { return WorkingCalendar::Shipped("ru").value(); }

TEST(WorkingCalendar, TheShippedCalendarsParse) {
  ASSERT_EQ(EmbeddedCalendars().size(), 2u);
  EXPECT_EQ(EmbeddedCalendars()[0].name, "ru-2025");
  EXPECT_EQ(EmbeddedCalendars()[1].name, "ru-2026");
  for (const EmbeddedCalendar& file : EmbeddedCalendars()) {
    auto year = ParseCalendarYear(file.text);
    ASSERT_TRUE(year.has_value()) << file.name << ": " << year.error().message();
  }
  auto ru = WorkingCalendar::Shipped("ru");
  ASSERT_TRUE(ru.has_value()) << ru.error().detail();
  EXPECT_EQ(ru->first_year(), 2025);
  EXPECT_EQ(ru->last_year(), 2026);
  EXPECT_EQ(ParseCalendarYear(EmbeddedCalendars()[0].text)->off.size(), 15u);
  EXPECT_EQ(ParseCalendarYear(EmbeddedCalendars()[0].text)->work,
            std::vector<Date>{D("2025-11-01")});
}

// The official counts of the production calendars: 247 working days in 2025 and in 2026.
TEST(WorkingCalendar, CountsTheOfficialWorkingDaysOfEachYear) {
  WorkingCalendar ru = Russian();
  for (int year : {2025, 2026}) {
    int working = 0;
    for (Date d{year, 1, 1}; d.year == year; d = AddDays(d, 1)) working += *ru.IsWorkingDay(d);
    EXPECT_EQ(working, 247) << year;
  }
}

TEST(WorkingCalendar, KnowsHolidaysTransfersAndWeekends) {
  struct Row {
    const char* date;
    bool working;
  };
  const Row rows[] = {
      {"2025-01-08", false},                         // New-Year holidays
      {"2025-01-09", true},  {"2025-01-11", false},  // a Saturday
      {"2025-05-02", false},                         // transferred from 2025-01-04
      {"2025-05-05", true},  {"2025-06-13", false}, {"2025-11-01", true},  // working Saturday
      {"2025-11-02", false}, {"2025-11-03", false}, {"2025-12-31", false}, {"2026-01-09", false},
      {"2026-01-12", true},  {"2026-02-23", false}, {"2026-03-09", false},  // 8 March is a Sunday
      {"2026-05-11", false},                                                // 9 May is a Saturday
      {"2026-12-30", true},  {"2026-12-31", false},
  };
  WorkingCalendar ru = Russian();
  for (const Row& row : rows) {
    auto working = ru.IsWorkingDay(D(row.date));
    ASSERT_TRUE(working.has_value()) << row.date;
    EXPECT_EQ(*working, row.working) << row.date;
  }
}

TEST(WorkingCalendar, AYearItDoesNotCoverIsAnErrorNotAGuess) {
  WorkingCalendar ru = Russian();
  for (const char* date : {"2024-12-31", "2027-01-01", "2027-01-04"}) {
    auto working = ru.IsWorkingDay(D(date));
    ASSERT_FALSE(working.has_value()) << date;
    EXPECT_EQ(working.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(working.error().reason(), "calendar_unknown");
  }
  EXPECT_EQ(ru.AddWorkingDays(D("2026-12-30"), 1).error().reason(), "calendar_unknown");
  EXPECT_EQ(ru.WorkingDayOnOrAfter(D("2026-12-31")).error().reason(), "calendar_unknown");
  EXPECT_EQ(WorkingCalendar::Shipped("xx").error().reason(), "calendar_unknown");
}

// An operator installs a year Konfid does not ship, or replaces one it does.
TEST(WorkingCalendar, InstalledYearsExtendAndReplaceTheShippedOnes) {
  auto y2027 = ParseCalendarYear("2027-01-01 off\n2027-01-04 off\n2027-01-09 work\n");
  ASSERT_TRUE(y2027) << y2027.error().message();
  auto ru = WorkingCalendar::Shipped("ru", {*y2027});
  ASSERT_TRUE(ru) << ru.error().message();
  EXPECT_EQ(ru->first_year(), 2025);
  EXPECT_EQ(ru->last_year(), 2027);
  EXPECT_FALSE(*ru->IsWorkingDay(D("2027-01-04")));
  EXPECT_TRUE(*ru->IsWorkingDay(D("2027-01-09")));  // a Saturday made a working day
  EXPECT_EQ(*ru->AddWorkingDays(D("2026-12-30"), 1), D("2027-01-05"));

  // A replaced 2026 without its May holidays: the shipped file no longer counts.
  auto y2026 = ParseCalendarYear("2026-01-01 off\n");
  ASSERT_TRUE(y2026);
  auto moved = WorkingCalendar::Shipped("ru", {*y2026});
  ASSERT_TRUE(moved);
  EXPECT_TRUE(*moved->IsWorkingDay(D("2026-05-11")));
  EXPECT_FALSE(*Russian().IsWorkingDay(D("2026-05-11")));
  // Both shipped years replaced is still a Russian calendar; a year twice is refused.
  auto y2025 = ParseCalendarYear("2025-01-01 off\n");
  EXPECT_TRUE(WorkingCalendar::Shipped("ru", {*y2025, *y2026}));
  EXPECT_EQ(WorkingCalendar::Shipped("ru", {*y2027, *y2027}).error().reason(), "invalid_calendar");
  EXPECT_EQ(WorkingCalendar::Shipped("xx", {*y2027}).error().reason(), "calendar_unknown");
}

TEST(WorkingCalendar, CountsWorkingDaysFromTheDayAfter) {
  WorkingCalendar ru = Russian();
  EXPECT_EQ(*ru.AddWorkingDays(D("2025-12-30"), 0), D("2025-12-30"));
  EXPECT_EQ(*ru.AddWorkingDays(D("2025-12-30"), 1), D("2026-01-12"));
  EXPECT_EQ(*ru.AddWorkingDays(D("2025-10-31"), 1), D("2025-11-01"));
  EXPECT_EQ(*ru.WorkingDayOnOrAfter(D("2025-05-01")), D("2025-05-05"));
  EXPECT_EQ(*ru.WorkingDayOnOrAfter(D("2025-05-05")), D("2025-05-05"));
}

TEST(WorkingCalendar, ParsesTheGrammar) {
  auto year = ParseCalendarYear(
      "# comment\n\n  2027-01-01 off   # New Year\r\n2027-01-02\twork\n2027-02-22 off");
  ASSERT_TRUE(year.has_value()) << year.error().message();
  EXPECT_EQ(year->year, 2027);
  EXPECT_EQ(year->off, (std::vector<Date>{D("2027-01-01"), D("2027-02-22")}));
  EXPECT_EQ(year->work, std::vector<Date>{D("2027-01-02")});
}

TEST(WorkingCalendar, RefusesABrokenLineByItsNumber) {
  struct Row {
    const char* text;
    const char* line;
    const char* what;
  };
  const Row rows[] = {
      {"# c\n2025-01-01 off\n2025-13-01 off\n", "calendar line 3:", "YYYY-MM-DD"},
      {"2025-01-01 off\n2025-02-30 off\n", "calendar line 2:", "does not exist"},
      {"2025-01-01 holiday\n", "calendar line 1:", "off or work"},
      {"2025-01-01\n", "calendar line 1:", "DATE KIND"},
      {"2025-01-01 off extra\n", "calendar line 1:", "off or work"},
      {"2025-01-04 off\n", "calendar line 1:", "Saturday or Sunday"},  // a Saturday
      {"2025-01-06 work\n", "calendar line 1:", "Monday..Friday"},     // a Monday
      {"2025-01-02 off\n2025-01-01 off\n", "calendar line 2:", "after"},
      {"2025-01-02 off\n2025-01-02 off\n", "calendar line 2:", "after"},
      {"2025-12-31 off\n\n2026-01-01 off\n", "calendar line 3:", "2025"},
      {"# only a comment\n", "calendar:", "no date"},
      {"", "calendar:", "no date"},
  };
  for (const Row& row : rows) {
    auto year = ParseCalendarYear(row.text);
    ASSERT_FALSE(year.has_value()) << row.text;
    EXPECT_EQ(year.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(year.error().reason(), "invalid_calendar");
    EXPECT_TRUE(year.error().message().starts_with(row.line)) << year.error().message();
    EXPECT_NE(year.error().message().find(row.what), std::string::npos) << year.error().message();
  }
}

TEST(WorkingCalendar, RefusesAYearTwice) {
  auto a = ParseCalendarYear("2025-01-01 off\n").value();
  EXPECT_EQ(WorkingCalendar::Create({a, a}).error().reason(), "invalid_calendar");
  EXPECT_EQ(WorkingCalendar::Create({}).error().reason(), "invalid_calendar");
}

}  // namespace
}  // namespace konfid::domain
