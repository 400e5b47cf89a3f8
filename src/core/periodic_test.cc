#include "core/periodic.h"

#include <gtest/gtest.h>

#include <atomic>

namespace konfid {
namespace {

TEST(PeriodicThread, RunsUntilStoppedAndStopWaitsForThePass) {
  std::atomic<int> passes{0};
  std::atomic<bool> inside{false};
  PeriodicThread t;
  t.Start("kf-test", std::chrono::milliseconds(1), [&] {
    inside = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ++passes;
    inside = false;
  });
  while (passes < 3) std::this_thread::yield();
  t.Stop();
  EXPECT_FALSE(inside);  // no pass is left running
  int after = passes;
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(passes, after);  // and none starts again
  t.Stop();                  // idempotent
}

TEST(PeriodicThread, AThreadNeverStartedStopsAtOnce) {
  PeriodicThread t;
  t.Stop();
}

}  // namespace
}  // namespace konfid
