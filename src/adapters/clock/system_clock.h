// The system's wall clock. Thread-safe.
#pragma once

#include "ports/clock.h"

namespace konfid::adapters {

class SystemClock final : public ports::Clock {
 public:
  UnixMicros Now() override;
  int64_t MonotonicMicros() override;
};

}  // namespace konfid::adapters
