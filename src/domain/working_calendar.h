// A production calendar: which days are working days, for the years it covers. Built from
// calendar files (one year each, the grammar below), such as the Russian calendars shipped in
// data/calendars/ and compiled in (embedded_calendars.h). Immutable once made: safe to share
// between threads.
//
// A calendar file, one year (ABNF, RFC 5234):
//
//   calendar = *line
//   line     = *WSP [ entry *WSP ] [ comment ] eol
//   entry    = date 1*WSP kind
//   date     = 4DIGIT "-" 2DIGIT "-" 2DIGIT     ; ISO 8601, a day that exists
//   kind     = "off" / "work"
//   comment  = "#" *(any byte but LF)
//   eol      = [CR] LF / end of text            ; the last line may lack its LF
//   WSP      = SP / HTAB
//
// Meaning: on a five-day week every Monday..Friday is a working day and every Saturday and
// Sunday a day off, except the listed dates: `off` is a weekday that is a day off (a public
// holiday or a day it is transferred to), `work` a Saturday or Sunday that is a working day (a
// transfer). Beyond the grammar a file must list at least one date, all in one year (the year
// it covers), in strictly ascending order, `off` only on Monday..Friday and `work` only on
// Saturday or Sunday: anything else would say nothing or contradict itself.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "domain/civil_date.h"

namespace konfid::domain {

// One parsed calendar file.
struct CalendarYear {
  int year = 0;
  std::vector<Date> off;   // weekdays that are days off, ascending
  std::vector<Date> work;  // weekend days that are working days, ascending
};

// Parses one calendar file. Failure: InvalidArgument, reason "invalid_calendar", with a message
// that names the first bad line's number ("calendar line 7: ...") and what is wrong with it, or
// "calendar: it lists no date" for a file without entries.
Result<CalendarYear> ParseCalendarYear(std::string_view text);

class WorkingCalendar {
 public:
  // A calendar of the given years. Failure: InvalidArgument, reason "invalid_calendar", when
  // two of them are the same year or none is given.
  static Result<WorkingCalendar> Create(const std::vector<CalendarYear>& years);
  // The shipped calendar of a country, from the compiled-in files "<country>-<year>" ("ru"),
  // with the years an operator installed (the config's [calendars]): an installed year takes
  // the place of a shipped one (a decree can move a day off after Konfid shipped its year).
  // Failure: InvalidArgument, reason "calendar_unknown", when none is shipped for `country`;
  // reason "invalid_calendar" when a year is installed twice; Internal when a shipped file does
  // not parse or its name's year is not its content's.
  static Result<WorkingCalendar> Shipped(std::string_view country,
                                         const std::vector<CalendarYear>& installed = {});

  // Whether the calendar knows the year of `date`.
  bool Covers(Date date) const { return years_.contains(date.year); }
  int first_year() const { return *years_.begin(); }
  int last_year() const { return *years_.rbegin(); }

  // Dates given to these must be valid (IsValidDate).
  // Whether `date` is a working day. Failure: InvalidArgument, reason "calendar_unknown", when
  // its year is not covered: never a guess from the weekday.
  Result<bool> IsWorkingDay(Date date) const;
  // The `n`-th working day after `from` (`from` itself not counted; `n` >= 1), or `from` when
  // `n` is 0. Failure: "calendar_unknown" as IsWorkingDay, for any day the count passes.
  Result<Date> AddWorkingDays(Date from, int n) const;
  // `date` when it is a working day, else the next working day after it (Civil Code of the
  // Russian Federation Art. 193). Failure: "calendar_unknown" as IsWorkingDay.
  Result<Date> WorkingDayOnOrAfter(Date date) const;

 private:
  WorkingCalendar() = default;

  std::set<int> years_;
  std::set<int64_t> off_;   // days since the epoch
  std::set<int64_t> work_;  // days since the epoch
};

}  // namespace konfid::domain
