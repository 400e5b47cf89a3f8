// Time as Konfid stores it: microseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <string>

namespace konfid {

using UnixMicros = int64_t;

// RFC 3339 with microseconds, e.g. 2026-11-22T05:18:00.000000Z.
std::string FormatRfc3339(UnixMicros t);

}  // namespace konfid
