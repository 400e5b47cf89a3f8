#include "domain/civil_date.h"

#include <chrono>
#include <cstdio>
#include <ostream>

namespace konfid::domain {
namespace {

std::chrono::year_month_day ToChrono(Date d) {
  return {std::chrono::year{d.year}, std::chrono::month{unsigned(d.month)},
          std::chrono::day{unsigned(d.day)}};
}

Date FromChrono(std::chrono::year_month_day ymd) {
  return {int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day()))};
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool IsValidDate(Date d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= 31 && ToChrono(d).ok();
}

int64_t DaysSinceEpoch(Date d) {
  return std::chrono::sys_days{ToChrono(d)}.time_since_epoch().count();
}

Date DateFromDays(int64_t days) {
  return FromChrono(std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}});
}

Date AddDays(Date d, int64_t days) { return DateFromDays(DaysSinceEpoch(d) + days); }

Date AddMonths(Date d, int months) {
  using namespace std::chrono;
  year_month ym = year_month{year{d.year}, month{unsigned(d.month)}} + std::chrono::months{months};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return FromChrono({ym.year(), ym.month(), std::min(day{unsigned(d.day)}, last)});
}

Weekday WeekdayOf(Date d) {
  return Weekday(std::chrono::weekday{std::chrono::sys_days{ToChrono(d)}}.iso_encoding());
}

bool IsWeekend(Date d) {
  Weekday w = WeekdayOf(d);
  return w == Weekday::kSaturday || w == Weekday::kSunday;
}

Result<Date> ParseIsoDate(std::string_view s) {
  Date d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, d.year) ||
      !Digits(s, 5, 2, d.month) || !Digits(s, 8, 2, d.day) || !IsValidDate(d))
    return Fail(Error(ErrorCode::kInvalidArgument, "a date must be YYYY-MM-DD and exist")
                    .WithReason("invalid_date"));
  return d;
}

std::string FormatIsoDate(Date d) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

void PrintTo(Date d, std::ostream* os) { *os << FormatIsoDate(d); }

}  // namespace konfid::domain
