// POST /v1/jobs/{name}/run: an admin runs one pass of a periodic job now and reads what it did
// (tests of a running server, an operator who will not wait for the period). The job works for
// the whole installation, as its scheduled passes do, so the route asks an admin key of any
// tenant. The pass runs on a thread of its own while the connection's coroutine waits: a slow
// pass (mail to a slow server) holds no HTTP thread. Each run is logged as `job_run` (job, the
// key, the counts: no personal data).
#include <boost/json.hpp>
#include <thread>

#include "http/api.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// The admin behind the request's API key.
Result<app::Actor> Admin(const Request& req, app::ApiKeys& keys, app::Vault& vault) {
  auto auth = req[beast_http::field::authorization];
  if (!auth.starts_with("Bearer "))
    return Fail(
        Error(ErrorCode::kUnauthenticated, "an API key is required: Authorization: Bearer <key>")
            .WithReason("missing_api_key"));
  KONFID_ASSIGN_OR_RETURN(app::Actor actor,
                          keys.Authenticate(std::string_view(auth.data() + 7, auth.size() - 7)));
  if (!vault.Policy(actor.tenant))
    return Fail(Error(ErrorCode::kPermissionDenied,
                      "this API key's tenant is not configured on this server")
                    .WithReason("tenant_not_configured"));
  if (actor.role != app::Role::kAdmin)
    return Fail(
        Error(ErrorCode::kPermissionDenied, "only an admin key may run jobs").WithReason("role"));
  return actor;
}

}  // namespace

Response Api::JobsRoute(const Request& req, const std::string& path, std::string& route,
                        Yield yield) {
  auto problem = [&](const Error& e) { return Problem(e, req.version(), req.keep_alive()); };
  constexpr size_t kPrefix = 9, kSuffix = 4;  // "/v1/jobs/", "/run"
  std::string name = path.size() > kPrefix + kSuffix && path.ends_with("/run")
                         ? path.substr(kPrefix, path.size() - kPrefix - kSuffix)
                         : "";
  if (name.empty() || name.find('/') != std::string::npos)
    return problem(Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
  route = "/v1/jobs/{name}/run";
  if (req.method() != beast_http::verb::post) return MethodNotAllowed(req, "POST");
  auto admin = Admin(req, d_.keys, d_.vault);
  if (!admin) return problem(admin.error());

  app::JobTrigger& jobs = d_.jobs;
  auto report = Await<app::JobReport>(
      [&jobs, name](auto done) {
        std::thread([&jobs, name, done = std::move(done)]() mutable {
          done(jobs.RunNow(name));
        }).detach();
      },
      yield);
  if (!report) return problem(report.error());
  d_.events.Write(d_.clock.Now(), LogLevel::kInfo, "job_run",
                  {{"job", report->job}, {"actor", admin->id}, {"report", report->ToString()}});
  json::object out{{"job", report->job}};
  for (const auto& [count, n] : report->counts) out[count] = n;
  return Json(200, out, req);
}

}  // namespace konfid::http
