// Clock: the only way code outside adapters/clock learns the time. Thread-safe.
#pragma once

#include "core/time.h"

namespace konfid::ports {

class Clock {
 public:
  virtual ~Clock() = default;
  // Current wall-clock time in microseconds since the epoch.
  virtual UnixMicros Now() = 0;
  // Monotonic microseconds from an arbitrary origin, for measuring durations.
  virtual int64_t MonotonicMicros() = 0;
};

}  // namespace konfid::ports
