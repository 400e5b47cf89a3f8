#include "jobs/scheduler.h"

#include "core/periodic.h"

namespace konfid::jobs {

struct Scheduler::Entry {
  std::unique_ptr<Job> job;
  std::mutex pass_mu;     // one pass of the job at a time, scheduled or run now
  PeriodicThread thread;  // last: stopped before the job goes
};

Scheduler::Scheduler(EventLog& events, ports::Clock& clock) : events_(events), clock_(clock) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::unique_ptr<Job> job) {
  auto entry = std::make_unique<Entry>();
  entry->job = std::move(job);
  entries_.push_back(std::move(entry));
}

void Scheduler::Start() {
  for (auto& entry : entries_) {
    Entry* e = entry.get();
    e->thread.Start("kf-" + e->job->name(), e->job->period(), [this, e] { (void)Pass(*e); });
  }
}

void Scheduler::Stop() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) (*it)->thread.Stop();
}

Result<Report> Scheduler::RunNow(std::string_view name) {
  for (auto& entry : entries_)
    if (entry->job->name() == name) return Pass(*entry);
  return Fail(ErrorCode::kNotFound, "no such job: " + std::string(name));
}

Result<Report> Scheduler::Pass(Entry& entry) {
  const std::string& name = entry.job->name();
  Result<Report> report = [&] {
    std::lock_guard pass(entry.pass_mu);
    return entry.job->RunOnce(clock_.Now());
  }();
  if (report) report->job = name;
  {
    std::lock_guard lock(mu_);
    ++runs_[{name, report.has_value()}];
  }
  if (!report) {
    events_.Write(clock_.Now(), LogLevel::kError, "job_failed",
                  {{"job", name},
                   {"code", ErrorCodeName(report.error().code())},
                   {"message", report.error().message()},
                   {"detail", report.error().detail()}});
  }
  return report;
}

std::string Scheduler::RenderMetrics() const {
  std::string out =
      "# HELP konfid_job_runs_total Passes of each periodic job by outcome.\n"
      "# TYPE konfid_job_runs_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : runs_) {
    out += "konfid_job_runs_total{job=\"" + key.first + "\",result=\"" +
           (key.second ? "ok" : "failed") + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace konfid::jobs
