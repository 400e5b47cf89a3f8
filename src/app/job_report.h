// What one pass of a periodic job did, and how the ways in (the HTTP admin route, /metrics)
// reach the scheduler that runs the jobs (jobs/scheduler.h implements JobTrigger; it sits
// beside http/, so http/ knows it only through this interface).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace konfid::app {

// Counts of what a pass did ("sent", "retried", …), in the order the job reports them. Free of
// personal data: counts only, so a report may go to the log and to an admin as JSON.
struct JobReport {
  std::string job;
  std::vector<std::pair<std::string, int64_t>> counts;

  JobReport& Count(std::string name, int64_t n) {
    counts.emplace_back(std::move(name), n);
    return *this;
  }
  // The count named `name`; 0 when the report has none.
  int64_t Get(std::string_view name) const {
    for (const auto& [k, v] : counts)
      if (k == name) return v;
    return 0;
  }
  // "outbox: sent=1 retried=0 failed=0", for logs and test messages.
  std::string ToString() const {
    std::string out = job + ":";
    for (const auto& [k, v] : counts) out += " " + k + "=" + std::to_string(v);
    return out;
  }
};

class JobTrigger {
 public:
  virtual ~JobTrigger() = default;
  // Runs the job named `name` once now, on the caller's thread, after any pass of it in
  // progress; logged and counted like a scheduled pass. Returns its report; NotFound when no
  // such job is scheduled; the job's error when the pass fails. Thread-safe.
  virtual Result<JobReport> RunNow(std::string_view name) = 0;
  // konfid_job_runs_total{job,result="ok|failed"} in the Prometheus text format.
  virtual std::string RenderMetrics() const = 0;
};

}  // namespace konfid::app
