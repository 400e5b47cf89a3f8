// A clock that tests drive: it stands still until told, or moves by a fixed step on every
// read, so that events stamped one after another keep their order. Thread-safe.
#pragma once

#include <atomic>

#include "ports/clock.h"

namespace konfid::fakes {

class StepClock final : public ports::Clock {
 public:
  // 2027-01-15T08:00:00Z: a fixed, ordinary day; `step` is added after every Now().
  explicit StepClock(UnixMicros start = 1'800'000'000'000'000, int64_t step = 0)
      : now_(start), step_(step) {}

  UnixMicros Now() override { return now_.fetch_add(step_); }
  int64_t MonotonicMicros() override { return now_.load(); }

  void Set(UnixMicros t) { now_.store(t); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }
  UnixMicros Peek() const { return now_.load(); }

 private:
  std::atomic<UnixMicros> now_;
  const int64_t step_;
};

}  // namespace konfid::fakes
