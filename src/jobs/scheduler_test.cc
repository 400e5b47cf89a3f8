#include "jobs/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

#include "step_clock.h"

namespace konfid::jobs {
namespace {

class VectorSink : public LogSink {
 public:
  void Emit(LogLevel, std::string_view line) override {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  }
  std::mutex mu;
  std::vector<std::string> lines;
};

// Counts its passes and the times it was given; fails while `failing` is set.
class CountingJob : public Job {
 public:
  explicit CountingJob(std::string name, std::chrono::milliseconds period = std::chrono::hours(1))
      : Job(std::move(name), period) {}
  Result<Report> RunOnce(UnixMicros now) override {
    std::lock_guard lock(mu);
    seen.push_back(now);
    cv.notify_all();
    if (failing) return Fail(ErrorCode::kUnavailable, "storage is unreachable", "connect refused");
    return Report().Count("done", static_cast<int64_t>(seen.size()));
  }
  // Waits (at most 10 s) for `n` passes; false when they did not come.
  bool WaitForPasses(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen.size() >= n; });
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<UnixMicros> seen;
  bool failing = false;
};

TEST(SchedulerTest, ARunTriggeredRunsOnceAtTheClocksTimeAndReturnsItsReport) {
  EventLog events(nullptr);
  fakes::StepClock clock;  // moves only when the test steps it
  Scheduler scheduler(events, clock);
  auto job = std::make_unique<CountingJob>("outbox");
  CountingJob& outbox = *job;
  scheduler.Add(std::move(job));
  scheduler.Start();  // an hour's period: only the triggered runs happen here

  auto first = scheduler.RunNow("outbox");
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->job, "outbox");
  EXPECT_EQ(first->Get("done"), 1);
  EXPECT_EQ(first->ToString(), "outbox: done=1");
  clock.Advance(1'000'000);
  auto second = scheduler.RunNow("outbox");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Get("done"), 2);
  std::lock_guard lock(outbox.mu);
  EXPECT_EQ(outbox.seen, (std::vector<UnixMicros>{clock.Peek() - 1'000'000, clock.Peek()}));
}

TEST(SchedulerTest, AnUnknownJobIsNotFoundAndRunsNothing) {
  EventLog events(nullptr);
  fakes::StepClock clock;  // moves only when the test steps it
  Scheduler scheduler(events, clock);
  scheduler.Add(std::make_unique<CountingJob>("outbox"));
  auto r = scheduler.RunNow("outbo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(scheduler.RenderMetrics().find("konfid_job_runs_total{"), std::string::npos);
}

TEST(SchedulerTest, AFailedPassIsLoggedAndCounted) {
  VectorSink sink;
  EventLog events(&sink);
  fakes::StepClock clock;  // moves only when the test steps it
  Scheduler scheduler(events, clock);
  auto job = std::make_unique<CountingJob>("outbox");
  CountingJob& outbox = *job;
  scheduler.Add(std::move(job));
  outbox.failing = true;
  auto failed = scheduler.RunNow("outbox");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  outbox.failing = false;
  EXPECT_TRUE(scheduler.RunNow("outbox"));
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_NE(sink.lines[0].find(R"("event":"job_failed","job":"outbox","code":"unavailable")"),
            std::string::npos)
      << sink.lines[0];
  EXPECT_NE(sink.lines[0].find(R"("detail":"connect refused")"), std::string::npos);
  EXPECT_EQ(events.Count("job_failed", LogLevel::kError), 1u);
  auto metrics = scheduler.RenderMetrics();
  EXPECT_NE(metrics.find("konfid_job_runs_total{job=\"outbox\",result=\"failed\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("konfid_job_runs_total{job=\"outbox\",result=\"ok\"} 1\n"),
            std::string::npos);
}

TEST(SchedulerTest, ScheduledPassesRunUntilStopAndStopJoinsTheThreads) {
  EventLog events(nullptr);
  fakes::StepClock clock;  // moves only when the test steps it
  Scheduler scheduler(events, clock);
  auto fast = std::make_unique<CountingJob>("tick", std::chrono::milliseconds(1));
  CountingJob& tick = *fast;
  scheduler.Add(std::move(fast));
  scheduler.Add(std::make_unique<CountingJob>("slow"));  // an hour: never scheduled here
  scheduler.Start();
  ASSERT_TRUE(tick.WaitForPasses(3));
  scheduler.Stop();
  size_t passes = 0;
  {
    std::lock_guard lock(tick.mu);
    passes = tick.seen.size();
  }
  // Joined: no thread is left to make another pass, and every pass it made was counted.
  EXPECT_NE(scheduler.RenderMetrics().find("konfid_job_runs_total{job=\"tick\",result=\"ok\"} " +
                                           std::to_string(passes) + "\n"),
            std::string::npos)
      << scheduler.RenderMetrics();
  scheduler.Stop();  // idempotent
  // Still runs on the caller's thread after Stop (the last checkpoint after the drain).
  auto last = scheduler.RunNow("slow");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->Get("done"), 1);
}

TEST(SchedulerTest, ARunNowWaitsForThePassInProgress) {
  EventLog events(nullptr);
  fakes::StepClock clock;  // moves only when the test steps it
  Scheduler scheduler(events, clock);
  // A job whose pass holds until released, and notes overlapping passes.
  class HeldJob : public Job {
   public:
    HeldJob() : Job("held", std::chrono::hours(1)) {}
    Result<Report> RunOnce(UnixMicros) override {
      if (running.exchange(true)) overlapped = true;
      std::unique_lock lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
      running = false;
      return Report();
    }
    std::atomic<bool> running{false}, overlapped{false};
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, released = false;
  };
  auto job = std::make_unique<HeldJob>();
  HeldJob& held = *job;
  scheduler.Add(std::move(job));
  std::thread first([&] { EXPECT_TRUE(scheduler.RunNow("held")); });
  {
    std::unique_lock lock(held.mu);
    ASSERT_TRUE(held.cv.wait_for(lock, std::chrono::seconds(10), [&] { return held.entered; }));
  }
  std::thread second([&] { EXPECT_TRUE(scheduler.RunNow("held")); });
  {
    std::lock_guard lock(held.mu);
    held.released = true;
  }
  held.cv.notify_all();
  first.join();
  second.join();
  EXPECT_FALSE(held.overlapped);
}

}  // namespace
}  // namespace konfid::jobs
