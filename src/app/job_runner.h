// Runs the service's periodic jobs (policy refresh, outbox, notices, expiry, …), each on a
// thread of its own, and leaves a trace of every failed pass: a `job_failed` event in the log
// (job name, error code and detail, never personal data), counted in /metrics, beside a count
// of every pass by job and outcome. A failed pass is retried by the next one: each job is
// written so that a failure leaves its work due. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/event_log.h"
#include "core/periodic.h"
#include "ports/clock.h"

namespace konfid::app {

class JobRunner {
 public:
  JobRunner(EventLog& events, ports::Clock& clock) : events_(events), clock_(clock) {}
  ~JobRunner() { StopAll(); }

  // Calls `pass` every `period` (first after one period) on thread "kf-<name>".
  void Every(const std::string& name, std::chrono::milliseconds period,
             std::function<Status()> pass);
  // Runs one pass of `pass` now on the caller's thread, logged and counted like the others.
  Status RunNow(const std::string& name, const std::function<Status()>& pass);
  // Stops the jobs in the reverse order of their start, waiting for passes in progress.
  // Idempotent.
  void StopAll();

  // konfid_job_runs_total{job,result="ok|failed"} in the Prometheus text format.
  std::string RenderMetrics() const;

 private:
  EventLog& events_;
  ports::Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, bool>, uint64_t> runs_;  // (job, ok) -> passes
  std::vector<std::unique_ptr<PeriodicThread>> threads_;
};

}  // namespace konfid::app
