// The JSON API: the route table (routes.cc), its dispatch and the handlers. Handlers are
// thin: they turn a request into a call on one use case and its result into a response.
// Errors are application/problem+json (RFC 9457) with a stable `code`; the table in
// problem.cc maps error codes to statuses.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "app/access_reply.h"
#include "app/api_keys.h"
#include "app/blocks.h"
#include "app/checkpoints.h"
#include "app/consents.h"
#include "app/depersonalized_exports.h"
#include "app/destruction_acts.h"
#include "app/group_committer.h"
#include "app/holds.h"
#include "app/job_report.h"
#include "app/marketing.h"
#include "app/policy_admin.h"
#include "app/policy_notices.h"
#include "app/policy_store.h"
#include "app/registrations.h"
#include "app/request_digest.h"
#include "app/requests.h"
#include "app/retention.h"
#include "app/self_identity.h"
#include "app/self_service.h"
#include "app/stats.h"
#include "app/subjects.h"
#include "app/tech_events.h"
#include "core/event_log.h"
#include "http/client_address.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "ports/clock.h"
#include "ports/storage.h"
#include "text/policy_text.h"

namespace konfid::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
// Connections run on one io_context each: a concrete executor type spares every asynchronous
// operation the type-erased any_io_executor.
using Executor = boost::asio::io_context::executor_type;
using Yield = boost::asio::basic_yield_context<Executor>;

struct ApiDeps {
  // The use cases the handlers call.
  app::Subjects& subjects;
  app::Consents& consents;
  app::Registrations& registrations;
  app::Marketing& marketing;
  app::PolicyNotices& policy_notices;
  app::CheckpointReader& checkpoints;
  app::PolicyAdmin& policy_admin;  // the policy routes' reads and publishing
  app::Requests& requests;
  app::Blocks& blocks;
  app::Retention& retention;
  app::Holds& holds;
  app::Disclosures& disclosures;
  app::DestructionActs& acts;
  app::AccessReplies& access_replies;
  app::SelfIdentity& self_identity;
  app::SelfService& self_service;
  app::TechnicalEvents& tech_events;  // a site's pages' events and cookie choices
  app::Stats& stats;
  app::DepersonalizedExports& exports;  // depersonalized datasets
  app::RequestDigest& digest;           // overdue requests in /metrics
  std::string unsubscribe_base;         // Konfid's public address for unsubscribe links
  app::PolicyStore& policies;
  app::ApiKeys& keys;
  app::GroupCommitter& committer;
  ports::Storage& storage;  // for /readyz
  ports::Clock& clock;
  Metrics& metrics;
  EventLog& events;       // 5xx and other failures are written here and counted
  app::JobTrigger& jobs;  // POST /v1/jobs/{name}/run, and its pass counts in /metrics
  // Peers whose X-Forwarded-For is believed (reverse proxies); empty: none.
  TrustedProxies trusted_proxies = {};
  // POST /v1/self/codes answers no sooner than this after the request came: sending a code
  // to a known address does more work than refusing an unknown one, and the time to answer
  // must not tell them apart (docs/requests.md, "One-time codes").
  std::chrono::milliseconds code_answer_floor{200};
  // POST /v1/events and its beacon, per client address (docs/events.md); 0: no limit.
  int64_t events_per_minute = 600;
};

class ReadinessCheck;
class Api;

// What a handler gets: the request, the route's parameters, the caller. A handler parses,
// calls one use case and writes the reply; it never looks at the path itself.
struct Call {
  const Request& req;
  const boost::urls::url_view& target;  // for the query
  const PathParams& params;             // the pattern's {name}s
  const app::Actor* actor;              // the key's holder; null when no key was sent
  const std::string& client;            // the client's address (ClientAddress)
  const std::string& session;           // a kSelf route's bearer token; empty elsewhere
  Yield& yield;
};
using Handler = Response (Api::*)(const Call&);
using Route = RouteRow<Handler>;

// The route table (routes.cc), read top to bottom like a menu.
std::span<const Route> Routes();
// The table compiled; throws std::logic_error on first use if a row is malformed.
const Router& RouteTable();

class Api {
 public:
  explicit Api(ApiDeps deps);
  ~Api();
  // Never throws; every failure becomes a problem response. Suspends the calling stackful
  // coroutine (not the thread) while the use case works. `peer` is the TCP peer's address; the
  // client's, for per-client limits, is derived from it and X-Forwarded-For (trusted_proxies).
  // Every response carries X-Request-Id; every 5xx is written to the event log.
  Response Handle(const Request& request, const std::string& peer, Yield yield);

  EventLog& events() { return d_.events; }
  Metrics& metrics() { return d_.metrics; }
  ports::Clock& clock() { return d_.clock; }

 private:
  friend std::span<const Route> Routes();

  // Finds the route, applies its limit, access and permission, and calls its handler.
  // `route` receives the metric label ("unmatched" stays when none matched).
  Response Dispatch(const Request& request, const std::string& client, std::string_view& route,
                    Yield& yield);
  // The key a row's access asks for, checked against its permission.
  Result<std::optional<app::Actor>> Authorize(const Request& request, const Route& row);
  // True when `client` has used up its attempts on `route` (public routes whose token is the
  // credential: each route has its own buckets).
  bool Limited(std::string_view route, const std::string& client);
  // Writes a 5xx as a `request_failed` event: ids, route pattern, codes; never values.
  // konfid_requests_overdue{tenant,kind} for /metrics.
  std::string OverdueMetrics();
  void LogFailure(Response& response, const std::string& request_id, std::string_view route,
                  std::string_view method);

  // The handlers of the table, by the file that holds them.
  // api.cc: service endpoints and the subject data.
  Response Health(const Call& call);
  Response Ready(const Call& call);
  Response MetricsText(const Call& call);
  Response ReceiptKey(const Call& call);
  Response Confirm(const Call& call);
  Response Register(const Call& call);
  Response CreateSubject(const Call& call);
  Response FindSubject(const Call& call);
  Response GetSubject(const Call& call);
  Response ReadReply(const Call& call, const Result<app::SealedSubject>& sealed,
                     const std::string& purpose);
  Response UpdateSubject(const Call& call);
  Response DeleteSubject(const Call& call);
  // consent_api.cc: consents, receipts, marketing.
  Response Consents(const Call& call);
  Response RecordConsent(const Call& call);
  Response Receipt(const Call& call);
  Response SendMessage(const Call& call);
  Response UnsubscribeLink(const Call& call);
  // policy_api.cc: the published policy and its versions.
  Response PolicyText(const Call& call);
  Response PolicyVersions(const Call& call);
  Response PublishPolicy(const Call& call);
  Response PolicyVersion(const Call& call);
  // admin_api.cc: the tenant's API keys.
  Response ListApiKeys(const Call& call);
  Response RevokeApiKey(const Call& call);
  // audit_api.cc: the signed audit checkpoints.
  Response AuditCheckpoints(const Call& call);
  // jobs_api.cc: an admin runs a job's pass now and reads its report.
  Response RunJob(const Call& call);
  // requests_api.cc: data-subject requests for staff, blocks, the access reply.
  Response RequestQueue(const Call& call);
  Response FileRequest(const Call& call);
  Response GetRequest(const Call& call);
  Response MoveRequest(const Call& call);
  Response AccessReply(const Call& call);
  Response Block(const Call& call);
  Response Unblock(const Call& call);
  // retention_api.cc: a subject's retention schedule.
  Response RetentionSchedule(const Call& call);
  // holds_api.cc: legal holds on a subject's data.
  Response PlaceHold(const Call& call);
  Response ListHolds(const Call& call);
  Response LiftHold(const Call& call);
  Response ContractEnd(const Call& call);
  // disclosures_api.cc: disclosures to recipients and authorities, and their list.
  Response Disclose(const Call& call);
  Response DisclosureList(const Call& call);
  Response ActList(const Call& call);
  Response GetAct(const Call& call);
  // self_api.cc: a visitor's one-time code, self session, data and requests.
  Response SendCode(const Call& call);
  Response OpenSession(const Call& call);
  Response CloseSession(const Call& call);
  Response SelfData(const Call& call);
  Response SelfAccessReply(const Call& call);
  Response SelfRequests(const Call& call);
  Response SelfFileRequest(const Call& call);
  Response SelfRequest(const Call& call);
  // An access reply as JSON, or as an HTML document (`html`) in `lang`.
  Response ReplyResponse(const Call& call, const Result<app::AccessReply>& reply, bool html,
                         text::Lang lang);
  // renewal_api.cc and unsubscribe_api.cc: the links of notices and marketing emails.
  Response RenewalPage(const Call& call);
  Response Renew(const Call& call);
  Response UnsubscribePage(const Call& call);
  Response Unsubscribe(const Call& call);
  // events_api.cc: a site's pages' technical events and cookie choices.
  Response RecordEvent(const Call& call);
  Response Beacon(const Call& call);
  Response KeepEvent(const Call& call, app::TechEventInput in, bool beacon);
  // stats_api.cc: statistics.
  Response StatsQuery(const Call& call);
  // exports_api.cc: depersonalized exports.
  Response ExportDepersonalized(const Call& call);

  ApiDeps d_;
  const Router& router_;
  RateLimiter link_limit_{10, 60'000'000};     // per route and client: 10 a minute
  std::unique_ptr<RateLimiter> events_limit_;  // null: no limit (ApiDeps::events_per_minute)
  std::unique_ptr<ReadinessCheck> ready_;
};

// A problem+json response for `error`. A 5xx also carries the error's code and internal
// detail in the fields below, for Api::Handle to log; it removes them before sending.
Response Problem(const Error& error, unsigned version, bool keep_alive);
inline constexpr std::string_view kErrorCodeField = "Konfid-Internal-Error-Code";
inline constexpr std::string_view kErrorDetailField = "Konfid-Internal-Error-Detail";
unsigned HttpStatusOf(ErrorCode code);

}  // namespace konfid::http
