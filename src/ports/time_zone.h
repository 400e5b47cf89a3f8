// TimeZones: the civil date of a moment in a named IANA time zone ("Europe/Moscow"), for the
// legal terms that are counted in days where the operator is (domain/deadlines.h). The ICU
// adapter (adapters/tz) implements it. Thread-safe.
#pragma once

#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "domain/civil_date.h"

namespace konfid::ports {

class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // The date in `zone` at `at`. InvalidArgument (reason unknown_time_zone) for a zone the
  // time-zone database does not know.
  virtual Result<domain::Date> LocalDate(std::string_view zone, UnixMicros at) const = 0;
  // Whether `zone` names a zone of the database (for the policy checks at start-up).
  virtual bool Known(std::string_view zone) const = 0;
};

}  // namespace konfid::ports
