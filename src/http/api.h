// The JSON API: routing, parsing and rendering. Handlers are thin: they turn a request into
// a call on app::Vault and its result into a response. Errors are application/problem+json
// (RFC 9457) with a stable `code`; the table in problem.cc maps error codes to statuses.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/url_view.hpp>

#include <memory>
#include <string_view>

#include "app/api_keys.h"
#include "app/group_committer.h"
#include "app/job_report.h"
#include "app/policy_store.h"
#include "app/vault.h"
#include "core/event_log.h"
#include "http/client_address.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "ports/clock.h"
#include "ports/storage.h"

namespace konfid::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
// Connections run on one io_context each: a concrete executor type spares every asynchronous
// operation the type-erased any_io_executor.
using Executor = boost::asio::io_context::executor_type;
using Yield = boost::asio::basic_yield_context<Executor>;

struct ApiDeps {
  app::Vault& vault;
  std::string unsubscribe_base;  // Konfid's public address for unsubscribe links
  app::PolicyStore& policies;
  const ports::PolicyReader& policy_reader;
  app::ApiKeys& keys;
  app::GroupCommitter& committer;
  ports::Storage& storage;
  ports::Clock& clock;
  Metrics& metrics;
  EventLog& events;       // 5xx and other failures are written here and counted
  app::JobTrigger& jobs;  // POST /v1/jobs/{name}/run, and its pass counts in /metrics
  // Peers whose X-Forwarded-For is believed (reverse proxies); empty: none.
  TrustedProxies trusted_proxies = {};
};

class ReadinessCheck;

class Api {
 public:
  explicit Api(ApiDeps deps);
  ~Api();
  // Never throws; every failure becomes a problem response. Suspends the calling stackful
  // coroutine (not the thread) while the vault works. `peer` is the TCP peer's address; the
  // client's, for per-client limits, is derived from it and X-Forwarded-For (trusted_proxies).
  // Every response carries X-Request-Id; every 5xx is written to the event log.
  Response Handle(const Request& request, const std::string& peer, Yield yield);

  EventLog& events() { return d_.events; }
  Metrics& metrics() { return d_.metrics; }
  ports::Clock& clock() { return d_.clock; }

 private:
  // `client` is the client's address (ClientAddress), for per-client limits.
  Response Route(const Request& request, const std::string& client, std::string& route,
                 Yield yield);
  // The unsubscribe link: GET a page with a button, POST (RFC 8058) withdraws (unsubscribe_api.cc).
  Response UnsubscribeRoute(const Request& request, const std::string& path,
                            const boost::urls::url_view& target, const std::string& client,
                            std::string& route, Yield yield);
  // True when `client` has used up its attempts on `route` (public routes whose token is the
  // credential: each route has its own buckets).
  bool Limited(const std::string& route, const std::string& client);
  // Writes a 5xx as a `request_failed` event: ids, route pattern, codes; never values.
  void LogFailure(const Request& request, Response& response, const std::string& request_id,
                  const std::string& route, const std::string& method);
  // /v1/policy and /v1/policy/versions[/{n}] (policy_api.cc).
  Response PolicyRoute(const Request& request, const std::string& path,
                       const boost::urls::url_view& target, std::string& route);
  // /v1/apikeys[/{id}]: an admin lists and revokes the tenant's API keys (admin_api.cc).
  Response AdminRoute(const Request& request, const std::string& path, std::string& route);
  // /v1/renewals/{tenant}/{token}: the page of a policy-change notice's link and its
  // decision (renewal_api.cc). Public: the token is the credential.
  Response RenewalRoute(const Request& request, const std::string& path, const std::string& client,
                        std::string& route, Yield yield);
  // POST /v1/jobs/{name}/run: an admin runs a job's pass now, gets its report (jobs_api.cc).
  Response JobsRoute(const Request& request, const std::string& path, std::string& route,
                     Yield yield);
  // /v1/audit/checkpoints: the tenant's signed audit checkpoints (audit_api.cc). Public.
  Response AuditRoute(const Request& request, const boost::urls::url_view& target,
                      std::string& route);
  ApiDeps d_;
  RateLimiter link_limit_{10, 60'000'000};  // per route and client: 10 a minute
  std::unique_ptr<ReadinessCheck> ready_;
};

// A problem+json response for `error`. A 5xx also carries the error's code and internal
// detail in the fields below, for Api::Handle to log; it removes them before sending.
Response Problem(const Error& error, unsigned version, bool keep_alive);
inline constexpr std::string_view kErrorCodeField = "Konfid-Internal-Error-Code";
inline constexpr std::string_view kErrorDetailField = "Konfid-Internal-Error-Detail";
unsigned HttpStatusOf(ErrorCode code);

}  // namespace konfid::http
