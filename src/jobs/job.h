// The shape every periodic job of the service has: a name, a period, and one pass that
// returns what it did. The Scheduler (jobs/scheduler.h) owns the threads and the periods;
// a job only knows how to make one pass. Tests call RunOnce with a stepped clock's time and
// assert the report instead of waiting for a thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "app/job_report.h"
#include "core/time.h"

namespace konfid::jobs {

using Report = app::JobReport;

class Job {
 public:
  // `name` is the job's thread ("kf-<name>", at most 12 characters then) and its name in
  // /metrics, the log and POST /v1/jobs/{name}/run.
  Job(std::string name, std::chrono::milliseconds period)
      : name_(std::move(name)), period_(period) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  const std::string& name() const { return name_; }
  std::chrono::milliseconds period() const { return period_; }

  // One pass, as of `now`. Returns what it did (report.job is filled in by the scheduler); an
  // error leaves the work due, so the next pass retries it. Called by one thread at a time.
  virtual Result<Report> RunOnce(UnixMicros now) = 0;

 private:
  std::string name_;
  std::chrono::milliseconds period_;
};

}  // namespace konfid::jobs
