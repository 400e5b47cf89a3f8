#include "app/job_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <vector>

namespace konfid::app {
namespace {

class ZeroClock : public ports::Clock {
 public:
  UnixMicros Now() override { return 0; }
  int64_t MonotonicMicros() override { return 0; }
};

class VectorSink : public LogSink {
 public:
  void Emit(LogLevel, std::string_view line) override {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  }
  std::mutex mu;
  std::vector<std::string> lines;
};

TEST(JobRunnerTest, AFailedPassIsLoggedAndCounted) {
  VectorSink sink;
  EventLog events(&sink);
  ZeroClock clock;
  JobRunner jobs(events, clock);
  auto failing = [] {
    return Status(Fail(ErrorCode::kUnavailable, "storage is unreachable", "connect refused"));
  };
  EXPECT_FALSE(jobs.RunNow("outbox", failing).has_value());
  EXPECT_TRUE(jobs.RunNow("outbox", [] { return Ok(); }).has_value());
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_NE(sink.lines[0].find(R"("event":"job_failed","job":"outbox","code":"unavailable")"),
            std::string::npos)
      << sink.lines[0];
  EXPECT_EQ(events.Count("job_failed", LogLevel::kError), 1u);
  auto metrics = jobs.RenderMetrics();
  EXPECT_NE(metrics.find("konfid_job_runs_total{job=\"outbox\",result=\"failed\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("konfid_job_runs_total{job=\"outbox\",result=\"ok\"} 1\n"),
            std::string::npos);
}

TEST(JobRunnerTest, ScheduledPassesRunUntilStopped) {
  EventLog events(nullptr);
  ZeroClock clock;
  JobRunner jobs(events, clock);
  std::mutex mu;
  std::condition_variable cv;
  int passes = 0;
  jobs.Every("tick", std::chrono::milliseconds(1), [&] {
    std::lock_guard lock(mu);
    ++passes;
    cv.notify_all();
    return Ok();
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return passes >= 3; }));
  }
  jobs.StopAll();
  int after_stop;
  {
    std::lock_guard lock(mu);
    after_stop = passes;
  }
  jobs.StopAll();  // idempotent
  std::lock_guard lock(mu);
  EXPECT_EQ(passes, after_stop);  // nothing runs once StopAll has returned
}

}  // namespace
}  // namespace konfid::app
