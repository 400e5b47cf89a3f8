#include "core/time.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace konfid {

std::string FormatRfc3339(UnixMicros t) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds{t}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  char buf[40];
  snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(ymd.year()),
           unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
           long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  std::string out(buf);
  char frac[12];
  snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(hms.subseconds().count()));
  out.insert(out.size() - 1, frac);
  return out;
}

UnixMicros AddCalendarMonths(UnixMicros t, int64_t months) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds{t}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  // The corresponding day, or the last day of a month too short for it.
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  year_month_day moved{ym.year(), ym.month(), std::min(ymd.day(), last)};
  return (sys_days{moved} + (tp - day)).time_since_epoch().count();
}

namespace {
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<UnixMicros> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d))
    return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  int64_t micros = 0, offset_minutes = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) || s.size() < 19 ||
        s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec) || h > 23 ||
        mi > 59 || sec > 60)
      return std::nullopt;
    size_t i = 19;
    if (i < s.size() && s[i] == '.') {
      int64_t scale = 100000;
      for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
        micros += (s[i] - '0') * scale;
        scale /= 10;
      }
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
      ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int oh, om;
      if (!Digits(s, i + 1, 2, oh) || s.size() < i + 6 || s[i + 3] != ':' ||
          !Digits(s, i + 4, 2, om))
        return std::nullopt;
      offset_minutes = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
      i += 6;
    } else {
      return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
  }
  auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_minutes};
  return duration_cast<microseconds>(t.time_since_epoch()).count() + micros;
}

}  // namespace konfid
