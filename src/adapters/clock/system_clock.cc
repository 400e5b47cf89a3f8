#include "adapters/clock/system_clock.h"

#include <chrono>

namespace konfid::adapters {

UnixMicros SystemClock::Now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t SystemClock::MonotonicMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace konfid::adapters
