// POST /v1/jobs/{name}/run: an admin runs one pass of a periodic job now and reads what it did
// (tests of a running server, an operator who will not wait for the period). The job works for
// the whole installation, as its scheduled passes do, so the route table asks an admin key of
// any tenant (Permission::kJobsRun). The pass runs on a thread of its own while the connection's
// coroutine waits: a slow pass (mail to a slow server) holds no HTTP thread. Each run is logged as
// `job_run` (job, the key, the counts: no personal data).
#include <boost/json.hpp>
#include <thread>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

Response Api::RunJob(const Call& call) {
  std::string name(call.params.Get("name"));
  app::JobTrigger& jobs = d_.jobs;
  auto report = Await<app::JobReport>(
      [&jobs, name](auto done) {
        std::thread([&jobs, name, done = std::move(done)]() mutable {
          done(jobs.RunNow(name));
        }).detach();
      },
      call.yield);
  if (!report) return Problem(call.req, report.error());
  d_.events.Write(
      d_.clock.Now(), LogLevel::kInfo, "job_run",
      {{"job", report->job}, {"actor", call.actor->id}, {"report", report->ToString()}});
  json::object out{{"job", report->job}};
  for (const auto& [count, n] : report->counts) out[count] = n;
  return Json(200, out, call.req);
}

}  // namespace konfid::http
