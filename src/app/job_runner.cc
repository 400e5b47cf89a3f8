#include "app/job_runner.h"

namespace konfid::app {

void JobRunner::Every(const std::string& name, std::chrono::milliseconds period,
                      std::function<Status()> pass) {
  auto thread = std::make_unique<PeriodicThread>();
  thread->Start("kf-" + name, period,
                [this, name, pass = std::move(pass)] { (void)RunNow(name, pass); });
  std::lock_guard lock(mu_);
  threads_.push_back(std::move(thread));
}

Status JobRunner::RunNow(const std::string& name, const std::function<Status()>& pass) {
  Status st = pass();
  {
    std::lock_guard lock(mu_);
    ++runs_[{name, st.has_value()}];
  }
  if (!st) {
    events_.Write(clock_.Now(), LogLevel::kError, "job_failed",
                  {{"job", name},
                   {"code", ErrorCodeName(st.error().code())},
                   {"message", st.error().message()},
                   {"detail", st.error().detail()}});
  }
  return st;
}

void JobRunner::StopAll() {
  std::vector<std::unique_ptr<PeriodicThread>> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto it = threads.rbegin(); it != threads.rend(); ++it) (*it)->Stop();
}

std::string JobRunner::RenderMetrics() const {
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

}  // namespace konfid::app
