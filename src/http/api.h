// The JSON API: routing, parsing and rendering. Handlers are thin: they turn a request into
// a call on app::Vault and its result into a response. Errors are application/problem+json
// (RFC 9457) with a stable `code`; the table in problem.cc maps error codes to statuses.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/url_view.hpp>

#include <mutex>
#include <unordered_map>

#include "app/api_keys.h"
#include "app/group_committer.h"
#include "app/policy_store.h"
#include "app/vault.h"
#include "http/metrics.h"
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
};

// Requests allowed per client address within a sliding window (a token bucket refilled
// continuously). Thread-safe.
class RateLimiter {
 public:
  RateLimiter(double burst, int64_t window_micros) : burst_(burst), window_(window_micros) {}
  // True when `key` may make one more request at `now`.
  bool Allow(const std::string& key, int64_t now);

 private:
  struct Bucket {
    double tokens;
    int64_t at;
  };
  double burst_;
  int64_t window_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

class Api {
 public:
  explicit Api(ApiDeps deps) : d_(deps) {}
  // Never throws; every failure becomes a problem response. Suspends the calling stackful
  // coroutine (not the thread) while the vault works.
  // `peer` is the client's address (for per-address rate limits).
  Response Handle(const Request& request, const std::string& peer, Yield yield);

 private:
  Response Route(const Request& request, const std::string& peer, std::string& route, Yield yield);
  // /v1/policy and /v1/policy/versions[/{n}] (policy_api.cc).
  Response PolicyRoute(const Request& request, const std::string& path,
                       const boost::urls::url_view& target, std::string& route);
  // /v1/apikeys[/{id}]: an admin lists and revokes the tenant's API keys (admin_api.cc).
  Response AdminRoute(const Request& request, const std::string& path, std::string& route);
  // /v1/renewals/{tenant}/{token}: the page of a policy-change notice's link and its
  // decision (renewal_api.cc). Public: the token is the credential.
  Response RenewalRoute(const Request& request, const std::string& path, const std::string& peer,
                        std::string& route, Yield yield);
  ApiDeps d_;
  RateLimiter confirm_limit_{10, 60'000'000};  // per address: 10 a minute
};

// A problem+json response for `error`.
Response Problem(const Error& error, unsigned version, bool keep_alive);
unsigned HttpStatusOf(ErrorCode code);

}  // namespace konfid::http
