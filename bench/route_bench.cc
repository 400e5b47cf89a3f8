// Route matching, as a request pays for it: from the request target to the route (its row,
// label and parameters, or 404/405). The route table's matcher (http/router.h) against the
// if-chain it replaced, transcribed below (its recognition only: the labels it chose and its
// 405s) so that both run in one binary on one machine (docs/benchmarks.md).
#include <benchmark/benchmark.h>
#include <boost/beast/http/verb.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "http/api.h"
#include "http/router.h"

// Every allocation is counted, so the benchmark shows that matching allocates nothing. The
// replaced new and delete are malloc and free, which GCC cannot see pair up.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
size_t allocations = 0;
}  // namespace

void* operator new(size_t n) {
  ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

using boost::beast::http::verb;

struct Case {
  verb method;
  std::string_view target;
};

// One of each kind of route, with the queries they carry in practice.
const Case kLookup{verb::get, "/v1/subjects?email=ivan.petrov%40example.com&purpose=registration"};
const Case kCreate{verb::post, "/v1/subjects"};
const Case kRead{verb::get, "/v1/subjects/8f14e45fceea167a5a36dedd4bea2543?purpose=registration"};
const Case kConsents{verb::post, "/v1/subjects/8f14e45fceea167a5a36dedd4bea2543/consents"};
const Case kLink{verb::post, "/v1/unsubscribe/demo/Zm9vYmFyYmF6cXV4cXV1eA.c2lnbmF0dXJl"};
const Case kPolicy{verb::get, "/v1/policy/versions/3"};
const Case kHealth{verb::get, "/healthz"};
const Case kNotFound{verb::get, "/v1/nothing/here"};
const Case kWrongMethod{verb::put, "/v1/subjects/8f14e45fceea167a5a36dedd4bea2543"};

// The old Api::Route's recognition: which label, and whether the method was refused.
struct Legacy {
  std::string route;
  int status = 0;  // 0: a handler runs; 404; 405
};

Legacy LegacyRoute(verb method, std::string_view raw) {
  Legacy out{"unmatched", 0};
  auto target = boost::urls::parse_origin_form(raw);
  if (!target) return {"unmatched", 400};
  std::string path = target->path();
  auto label = [&](const char* r, bool ok) {
    out.route = r;
    out.status = ok ? 0 : 405;
    return out;
  };
  if (path == "/healthz") return label("/healthz", true);
  if (path == "/readyz") return label("/readyz", true);
  if (path == "/metrics") return label("/metrics", true);
  if (path == "/v1/policy") return label("/v1/policy", method == verb::get);
  if (path == "/v1/policy/versions")
    return label("/v1/policy/versions", method == verb::get || method == verb::post);
  if (path.starts_with("/v1/policy/versions/"))
    return label("/v1/policy/versions/{n}", method == verb::get);
  if (path.starts_with("/v1/policy/")) return {"unmatched", 404};
  if (path == "/v1/apikeys") return label("/v1/apikeys", method == verb::get);
  if (path.starts_with("/v1/apikeys/")) {
    std::string key_id = path.substr(12);
    if (key_id.empty() || key_id.find('/') != std::string::npos) return {"unmatched", 404};
    return label("/v1/apikeys/{id}", method == verb::delete_);
  }
  if (path == "/v1/confirmations") return label("/v1/confirmations", method == verb::post);
  if (path.starts_with("/v1/unsubscribe/"))
    return label("/v1/unsubscribe/{tenant}/{token}", method == verb::get || method == verb::post);
  if (path.starts_with("/v1/renewals/"))
    return label("/v1/renewals/{tenant}/{token}", method == verb::get || method == verb::post);
  if (path == "/v1/audit/checkpoints") return label("/v1/audit/checkpoints", method == verb::get);
  if (path == "/v1/keys/receipt") return label("/v1/keys/receipt", method == verb::get);
  bool registrations = path == "/v1/registrations";
  bool messages = path.starts_with("/v1/subjects/") && path.ends_with("/messages") &&
                  path.find('/', 13) == path.size() - 9;
  bool unsubscribe_link = path.starts_with("/v1/subjects/") &&
                          path.ends_with("/unsubscribe-link") &&
                          path.find('/', 13) == path.size() - 17;
  bool receipt = path.starts_with("/v1/receipts/") && path.size() > 13 &&
                 path.find('/', 13) == std::string::npos;
  bool consents = path.starts_with("/v1/subjects/") && path.ends_with("/consents") &&
                  path.size() > 13 + 9 && path.find('/', 13) == path.size() - 9;
  bool collection = path == "/v1/subjects";
  bool item =
      path.starts_with("/v1/subjects/") && path.size() > 13 && path.find('/', 13) == path.npos;
  if (!collection && !item && !consents && !receipt && !registrations && !unsubscribe_link &&
      !messages)
    return {"unmatched", 404};
  out.route = collection         ? "/v1/subjects"
              : consents         ? "/v1/subjects/{id}/consents"
              : receipt          ? "/v1/receipts/{id}"
              : registrations    ? "/v1/registrations"
              : messages         ? "/v1/subjects/{id}/messages"
              : unsubscribe_link ? "/v1/subjects/{id}/unsubscribe-link"
                                 : "/v1/subjects/{id}";
  bool ok = receipt                  ? method == verb::get
            : consents || collection ? method == verb::get || method == verb::post
            : item ? method == verb::get || method == verb::patch || method == verb::delete_
            : messages || registrations ? method == verb::post
                                        : method == verb::get;
  out.status = ok ? 0 : 405;
  return out;
}

// The table's dispatch up to the handler: parse, the path (copied only when it has escapes),
// Find.
void Table(benchmark::State& state, Case c) {
  const konfid::http::Router& router = konfid::http::RouteTable();
  size_t before = allocations;
  for (auto _ : state) {
    auto target = boost::urls::parse_origin_form(c.target);
    std::string decoded;
    std::string_view path = target->encoded_path();
    if (path.find('%') != std::string_view::npos) path = decoded = target->path();
    konfid::http::PathParams params;
    auto m = router.Find(c.method, path, params);
    benchmark::DoNotOptimize(m);
    benchmark::DoNotOptimize(params);
  }
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations - before),
                                                benchmark::Counter::kAvgIterations);
}

// Find alone, on a path already taken from the target.
void Find(benchmark::State& state, Case c) {
  const konfid::http::Router& router = konfid::http::RouteTable();
  auto target = boost::urls::parse_origin_form(c.target);
  std::string path = target->path();
  for (auto _ : state) {
    konfid::http::PathParams params;
    auto m = router.Find(c.method, path, params);
    benchmark::DoNotOptimize(m);
    benchmark::DoNotOptimize(params);
  }
}

void IfChain(benchmark::State& state, Case c) {
  size_t before = allocations;
  for (auto _ : state) {
    Legacy l = LegacyRoute(c.method, c.target);
    benchmark::DoNotOptimize(l);
  }
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations - before),
                                                benchmark::Counter::kAvgIterations);
}

#define KONFID_ROUTE_CASE(name, c)     \
  BENCHMARK_CAPTURE(Table, name, c);   \
  BENCHMARK_CAPTURE(IfChain, name, c); \
  BENCHMARK_CAPTURE(Find, name, c)

KONFID_ROUTE_CASE(lookup_get_subjects, kLookup);
KONFID_ROUTE_CASE(create_post_subjects, kCreate);
KONFID_ROUTE_CASE(read_subject_id, kRead);
KONFID_ROUTE_CASE(record_consent, kConsents);
KONFID_ROUTE_CASE(unsubscribe_link_rest, kLink);
KONFID_ROUTE_CASE(policy_version_n, kPolicy);
KONFID_ROUTE_CASE(healthz_any_method, kHealth);
KONFID_ROUTE_CASE(not_found, kNotFound);
KONFID_ROUTE_CASE(method_not_allowed, kWrongMethod);

}  // namespace

BENCHMARK_MAIN();
