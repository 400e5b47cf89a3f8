// TimeZones with fixed offsets, for unit tests of pure logic: Europe/Moscow is UTC+3 (it has
// no daylight saving since 2014), UTC and Etc/UTC are UTC; any other zone is unknown. The real
// adapter (adapters/tz, ICU) is tested against the time-zone database itself.
#pragma once

#include <string_view>

#include "ports/time_zone.h"

namespace konfid::fakes {

class FixedTimeZones : public ports::TimeZones {
 public:
  Result<domain::Date> LocalDate(std::string_view zone, UnixMicros at) const override {
    int64_t offset_hours = 0;
    if (zone == "Europe/Moscow") {
      offset_hours = 3;
    } else if (zone != "UTC" && zone != "Etc/UTC") {
      return Fail(
          Error(ErrorCode::kInvalidArgument, "unknown time zone").WithReason("unknown_time_zone"));
    }
    UnixMicros local = at + offset_hours * 3'600'000'000LL;
    int64_t days = local / kMicrosPerDay - (local % kMicrosPerDay < 0 ? 1 : 0);
    return domain::DateFromDays(days);
  }
  bool Known(std::string_view zone) const override {
    return zone == "Europe/Moscow" || zone == "UTC" || zone == "Etc/UTC";
  }
};

}  // namespace konfid::fakes
