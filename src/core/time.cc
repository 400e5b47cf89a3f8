#include "core/time.h"

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

}  // namespace konfid
