#include "domain/working_calendar.h"

#include <algorithm>
#include <string>

#include "domain/embedded_calendars.h"

namespace konfid::domain {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

Error BadLine(int line, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, "calendar line " + std::to_string(line) + ": " + what)
      .WithReason("invalid_calendar");
}

// One entry line (comment and blanks already cut) into `out`, checked against the entries
// before it.
Status ParseEntry(std::string_view text, int line, CalendarYear& out, Date& previous) {
  size_t gap = text.find_first_of(" \t");
  if (gap == std::string_view::npos) return Fail(BadLine(line, "expected DATE KIND"));
  auto date = ParseIsoDate(text.substr(0, gap));
  if (!date) return Fail(BadLine(line, "the date is not YYYY-MM-DD or does not exist"));
  std::string_view kind = Trim(text.substr(gap));
  if (kind != "off" && kind != "work") return Fail(BadLine(line, "the kind is not off or work"));
  if (out.year == 0) out.year = date->year;
  if (date->year != out.year)
    return Fail(BadLine(
        line, "the date is not in " + std::to_string(out.year) + ", the year of the first entry"));
  if (previous.year != 0 && *date <= previous)
    return Fail(BadLine(line, "the date does not come after the one before"));
  if (kind == "off" && IsWeekend(*date))
    return Fail(BadLine(line, "off on a Saturday or Sunday, which is a day off anyway"));
  if (kind == "work" && !IsWeekend(*date))
    return Fail(BadLine(line, "work on a Monday..Friday, which is a working day anyway"));
  (kind == "off" ? out.off : out.work).push_back(*date);
  previous = *date;
  return Ok();
}

Error Unknown(Date date) {
  return Error(ErrorCode::kInvalidArgument,
               "no production calendar for " + std::to_string(date.year),
               "date " + FormatIsoDate(date))
      .WithReason("calendar_unknown");
}

}  // namespace

Result<CalendarYear> ParseCalendarYear(std::string_view text) {
  CalendarYear out;
  Date previous{0, 1, 1};
  int line = 0;
  while (!text.empty()) {
    ++line;
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::string_view entry = Trim(raw.substr(0, raw.find('#')));
    if (!entry.empty()) KONFID_TRY(ParseEntry(entry, line, out, previous));
  }
  if (out.year == 0)  // no line is wrong, so none is named
    return Fail(Error(ErrorCode::kInvalidArgument, "calendar: it lists no date")
                    .WithReason("invalid_calendar"));
  return out;
}

Result<WorkingCalendar> WorkingCalendar::Create(const std::vector<CalendarYear>& years) {
  auto bad = [](std::string what) {
    return Fail(Error(ErrorCode::kInvalidArgument, std::move(what)).WithReason("invalid_calendar"));
  };
  if (years.empty()) return bad("a calendar needs at least one year");
  WorkingCalendar cal;
  for (const CalendarYear& y : years) {
    if (!cal.years_.insert(y.year).second)
      return bad("the calendar has " + std::to_string(y.year) + " twice");
    for (Date d : y.off) cal.off_.insert(DaysSinceEpoch(d));
    for (Date d : y.work) cal.work_.insert(DaysSinceEpoch(d));
  }
  return cal;
}

Result<WorkingCalendar> WorkingCalendar::Shipped(std::string_view country,
                                                 const std::vector<CalendarYear>& installed) {
  std::vector<CalendarYear> years = installed;
  auto is_installed = [&](int year) {
    return std::any_of(installed.begin(), installed.end(),
                       [year](const CalendarYear& y) { return y.year == year; });
  };
  const std::string prefix = std::string(country) + "-";
  bool shipped = false;
  for (const EmbeddedCalendar& file : EmbeddedCalendars()) {
    if (!file.name.starts_with(prefix)) continue;
    auto year = ParseCalendarYear(file.text);
    if (!year)
      return Fail(ErrorCode::kInternal, "a shipped calendar is broken",
                  std::string(file.name) + ": " + year.error().message());
    if (file.name.substr(prefix.size()) != std::to_string(year->year))
      return Fail(ErrorCode::kInternal, "a shipped calendar is broken",
                  std::string(file.name) + " lists dates of " + std::to_string(year->year));
    shipped = true;
    if (!is_installed(year->year)) years.push_back(std::move(*year));
  }
  if (!shipped)
    return Fail(Error(ErrorCode::kInvalidArgument, "no production calendar for this country")
                    .WithReason("calendar_unknown"));
  return Create(years);
}

Result<bool> WorkingCalendar::IsWorkingDay(Date date) const {
  if (!Covers(date)) return Fail(Unknown(date));
  int64_t day = DaysSinceEpoch(date);
  if (off_.contains(day)) return false;
  if (work_.contains(day)) return true;
  return !IsWeekend(date);
}

Result<Date> WorkingCalendar::AddWorkingDays(Date from, int n) const {
  Date d = from;
  for (int counted = 0; counted < n;) {
    d = AddDays(d, 1);
    KONFID_ASSIGN_OR_RETURN(bool working, IsWorkingDay(d));
    if (working) ++counted;
  }
  return d;
}

Result<Date> WorkingCalendar::WorkingDayOnOrAfter(Date date) const {
  for (Date d = date;; d = AddDays(d, 1)) {
    KONFID_ASSIGN_OR_RETURN(bool working, IsWorkingDay(d));
    if (working) return d;
  }
}

}  // namespace konfid::domain
