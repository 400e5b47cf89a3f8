// Runs the service's periodic jobs (policy, audit-ckpt, notices, expiry, outbox, …): one thread
// per job, named "kf-<name>", calling Job::RunOnce(clock.Now()) every job period, the first
// one period after Start. A pass can also be run at once (RunNow: the admin route
// POST /v1/jobs/{name}/run, the last checkpoint after the drain); passes of one job never
// overlap. Every failed pass leaves a `job_failed` event in the log (job name, error code and
// detail, never personal data), and every pass is counted by job and outcome for /metrics.
// A failed pass is retried by the next one: each job is written so that a failure leaves its
// work due. Thread-safe, except that jobs are added before Start.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/job_report.h"
#include "core/event_log.h"
#include "jobs/job.h"
#include "ports/clock.h"

namespace konfid::jobs {

class Scheduler : public app::JobTrigger {
 public:
  Scheduler(EventLog& events, ports::Clock& clock);
  ~Scheduler() override;  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Adds a job, to run every job->period() once started. Before Start; names are unique.
  void Add(std::unique_ptr<Job> job);
  // Starts every job's thread. Call once.
  void Start();
  // Stops the threads in the reverse order of Add, waiting for passes in progress.
  // Idempotent. RunNow still works afterwards, on the caller's thread.
  void Stop();

  Result<Report> RunNow(std::string_view name) override;
  std::string RenderMetrics() const override;

 private:
  struct Entry;
  // One pass of `entry`'s job, logged and counted.
  Result<Report> Pass(Entry& entry);

  EventLog& events_;
  ports::Clock& clock_;
  std::vector<std::unique_ptr<Entry>> entries_;  // fixed once started
  mutable std::mutex mu_;
  std::map<std::pair<std::string, bool>, uint64_t> runs_;  // (job, ok) -> passes
};

}  // namespace konfid::jobs
