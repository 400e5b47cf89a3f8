// A civil date (year, month, day) of the proleptic Gregorian calendar, with no time of day and
// no time zone: the unit in which legal terms are counted. Which zone a moment's date is taken
// in is the caller's choice. A plain value, safe to share between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/error.h"

namespace konfid::domain {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const Date&) const = default;
};

enum class Weekday { kMonday = 1, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

// Whether `date` names a day that exists (2025-02-29 does not); years 1..9999.
bool IsValidDate(Date date);

// Days since 1970-01-01 (negative before it). `date` must be valid.
int64_t DaysSinceEpoch(Date date);
// The inverse of DaysSinceEpoch. Always a valid date.
Date DateFromDays(int64_t days);

// `date` moved by `days` (may be negative). `date` must be valid.
Date AddDays(Date date, int64_t days);
// `date` moved by `months` calendar months: the same day of the month, or the month's last
// day when that month is too short (2025-01-31 + 1 month is 2025-02-28). `date` must be valid.
Date AddMonths(Date date, int months);

Weekday WeekdayOf(Date date);
// Saturday or Sunday.
bool IsWeekend(Date date);

// Exactly "YYYY-MM-DD" (ISO 8601 calendar date, extended form) naming a day that exists.
// Failure: InvalidArgument, reason "invalid_date", for anything else (a time, spaces, 2025-2-1,
// 2025-02-30). Never throws.
Result<Date> ParseIsoDate(std::string_view text);
// "YYYY-MM-DD" of a valid date.
std::string FormatIsoDate(Date date);
// Writes FormatIsoDate(date): how gtest (which finds it by argument-dependent lookup) prints a
// date in a failure message.
void PrintTo(Date date, std::ostream* os);

}  // namespace konfid::domain
