// Time as Konfid stores it: microseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace konfid {

using UnixMicros = int64_t;

inline constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

// RFC 3339 with microseconds, e.g. 2026-11-22T05:18:00.000000Z.
std::string FormatRfc3339(UnixMicros t);

// Reads "2026-12-01" (midnight UTC), "2026-12-01T10:00:00Z" or with an offset such as
// "+03:00", and optional fractions of a second; nullopt for anything else.
std::optional<UnixMicros> ParseRfc3339(std::string_view text);

// `t` moved by `months` calendar months (a year is 12), at the same time of day (UTC): the
// corresponding day of the last month, or that month's last day when it has no such day, as
// the Civil Code of the Russian Federation (Art. 192) counts a term in months or years. So
// 2026-12-01 + 36 months is 2029-12-01, 2028-02-29 + 12 months is 2029-02-28 and
// 2027-01-31 + 1 month is 2027-02-28; never a fixed count of days.
UnixMicros AddCalendarMonths(UnixMicros t, int64_t months);

}  // namespace konfid
