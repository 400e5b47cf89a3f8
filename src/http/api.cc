#include "http/api.h"
#include "http/bodies.h"
#include "http/readiness.h"
#include "http/request_id.h"
#include "http/respond.h"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object SubjectJson(const app::SubjectView& v, bool with_fields) {
  json::object o{{"id", v.id},
                 {"created_at", FormatRfc3339(v.created_at)},
                 {"updated_at", FormatRfc3339(v.updated_at)}};
  if (with_fields) {  // a read: also whether the email address is confirmed
    o["email_verified_at"] = v.email_verified_at ? json::value(FormatRfc3339(v.email_verified_at))
                                                 : json::value(nullptr);
    json::object f;
    for (const auto& [k, val] : v.fields) f[k] = val;
    o["fields"] = std::move(f);
  }
  return o;
}

// The path as the routes are written: percent-decoded. Most paths have no escape, and then
// the view into the request serves with no copy.
std::string_view DecodedPath(const boost::urls::url_view& target, std::string& storage) {
  std::string_view encoded = target.encoded_path();
  if (encoded.find('%') == std::string_view::npos) return encoded;
  storage = target.path();
  return storage;
}

// A subject read's query: ?purpose=<id>, and for a lookup exactly one lookup field.
struct ReadQuery {
  std::string purpose;
  std::optional<std::pair<std::string, std::string>> lookup;
  size_t lookups = 0;  // parameters other than purpose
};

ReadQuery ParseReadQuery(const boost::urls::url_view& target) {
  ReadQuery q;
  for (auto param : target.params(boost::urls::encoding_opts{})) {
    if (param.key == "purpose") {
      q.purpose = param.value;
    } else {
      ++q.lookups;
      if (param.has_value) q.lookup.emplace(param.key, param.value);
    }
  }
  return q;
}

}  // namespace

Api::Api(ApiDeps deps)
    : d_(std::move(deps)),
      router_(RouteTable()),
      ready_(std::make_unique<ReadinessCheck>(d_.storage)) {
  if (d_.events_per_minute > 0)
    events_limit_ =
        std::make_unique<RateLimiter>(static_cast<double>(d_.events_per_minute), 60'000'000);
}
Api::~Api() = default;

Response Api::Handle(const Request& req, const std::string& peer, Yield yield) {
  int64_t start = d_.clock.MonotonicMicros();
  std::string request_id = RequestIdOf(req["X-Request-Id"]);
  std::string_view route = "unmatched";
  Response res;
  try {
    std::string forwarded;  // every X-Forwarded-For header, in order
    if (!d_.trusted_proxies.empty())
      for (auto [f, last] = req.equal_range("X-Forwarded-For"); f != last; ++f)
        forwarded.append(forwarded.empty() ? "" : ",").append(f->value().data(), f->value().size());
    std::string client = ClientAddress(peer, forwarded, d_.trusted_proxies);
    res = Dispatch(req, client, route, yield);
  } catch (const std::exception& e) {
    res = Problem(Error(ErrorCode::kInternal, "internal error", e.what()), req.version(), false);
  }
  // Unknown methods share one label, so a client cannot mint new series.
  std::string_view method = req.method() == beast_http::verb::unknown
                                ? std::string_view("OTHER")
                                : std::string_view(req.method_string());
  if (res.result_int() >= 500) LogFailure(res, request_id, route, method);
  res.set("X-Request-Id", request_id);
  d_.metrics.Observe(route, method, res.result_int(), d_.clock.MonotonicMicros() - start);
  return res;
}

void Api::LogFailure(Response& res, const std::string& request_id, std::string_view route,
                     std::string_view method) {
  // The detail names what failed inside (a statement, a file, an errno), never a value the
  // client sent: errors carry no personal data (docs/errors.md). Capped for the log.
  std::string code(res[kErrorCodeField]), detail(res[kErrorDetailField]);
  res.erase(kErrorCodeField);
  res.erase(kErrorDetailField);
  if (detail.size() > 512) detail.resize(512);
  d_.events.Write(d_.clock.Now(), LogLevel::kError, "request_failed",
                  {{"request_id", request_id},
                   {"route", route},
                   {"method", method},
                   {"status", res.result_int()},
                   {"code", code.empty() ? "internal" : code},
                   {"detail", detail}});
}

bool Api::Limited(std::string_view route, const std::string& client) {
  std::string bucket;
  bucket.append(route).append(" ").append(client);
  return !link_limit_.Allow(bucket, d_.clock.MonotonicMicros());
}

Response Api::Dispatch(const Request& req, const std::string& client, std::string_view& route,
                       Yield& yield) {
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target)
    return Problem(req, Invalid("the request target is not a valid URL", "invalid_target"));
  std::string decoded;
  std::string_view path = DecodedPath(*target, decoded);
  PathParams params;
  RouteMatch match = router_.Find(req.method(), path, params);
  if (match.outcome == RouteMatch::kNotFound)
    return Problem(req, Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
  route = match.label;
  if (match.outcome == RouteMatch::kMethodNotAllowed)
    return MethodNotAllowed(req, AllowHeader(match.allow));
  const Route& row = Routes()[match.row];
  if (row.rate_limited && Limited(route, client))
    return Problem(req, Error(ErrorCode::kTooManyRequests, "too many attempts; try again later")
                            .WithReason("rate_limited"));
  auto actor = Authorize(req, row);
  if (!actor) return Problem(req, actor.error());
  auto auth = req[beast_http::field::authorization];
  std::string session;
  if (row.access == Access::kSelf) {
    if (!auth.starts_with("Bearer "))
      return Problem(req, Error(ErrorCode::kUnauthenticated,
                                "a self session is required: Authorization: Bearer <session>")
                              .WithReason("invalid_session"));
    session.assign(auth.substr(7));
  }
  Call call{req, *target, params, *actor ? &**actor : nullptr, client, session, yield};
  return (this->*row.handler)(call);
}

Result<std::optional<app::Actor>> Api::Authorize(const Request& req, const Route& row) {
  if (row.access == Access::kPublic || row.access == Access::kSelf) return std::nullopt;
  auto auth = req[beast_http::field::authorization];
  if (row.access == Access::kKeyOptional && auth.empty()) return std::nullopt;
  if (!auth.starts_with("Bearer "))
    return Fail(Error(ErrorCode::kUnauthenticated,
                      row.access == Access::kKey
                          ? "an API key is required: Authorization: Bearer <key>"
                          : "use Authorization: Bearer <key>")
                    .WithReason("missing_api_key"));
  KONFID_ASSIGN_OR_RETURN(app::Actor actor,
                          d_.keys.Authenticate(std::string_view(auth.data() + 7, auth.size() - 7)));
  if (row.access == Access::kKey) {
    if (!d_.policies.Policy(actor.tenant))
      return Fail(Error(ErrorCode::kPermissionDenied,
                        "this API key's tenant is not configured on this server")
                      .WithReason("tenant_not_configured"));
    // A refusal of personal data is an audit event: the use case checks those and records it.
    if (!app::CheckedByUseCase(row.permission) && !app::RoleMay(actor.role, row.permission))
      return Fail(
          Error(ErrorCode::kPermissionDenied, std::string(app::RefusalMessage(row.permission)))
              .WithReason("role"));
  }
  return std::optional<app::Actor>(std::move(actor));
}

Response Api::Health(const Call& call) {
  return Json(200, json::object{{"status", "ok"}}, call.req);
}

Response Api::Ready(const Call& call) {
  if (auto st = ready_->Check(std::chrono::seconds(2), call.yield); !st)
    return Problem(call.req,
                   Error(ErrorCode::kUnavailable, "storage is not ready: " + st.error().message(),
                         st.error().detail()));
  if (auto st = d_.committer.CheckKeyEpoch(); !st) return Problem(call.req, st.error());
  return Json(200, json::object{{"status", "ready"}}, call.req);
}

Response Api::MetricsText(const Call& call) {
  auto s = d_.committer.stats();
  std::string extra = fmt::format(
      "# HELP konfid_audit_events_total Audit events appended.\n"
      "# TYPE konfid_audit_events_total counter\nkonfid_audit_events_total {}\n"
      "# HELP konfid_commit_batches_total Transactions committed by the group committer.\n"
      "# TYPE konfid_commit_batches_total counter\nkonfid_commit_batches_total {}\n"
      "# HELP konfid_committed_operations_total Operations in committed batches.\n"
      "# TYPE konfid_committed_operations_total counter\nkonfid_committed_operations_total {}\n"
      "# HELP konfid_commit_syncs_total WAL syncs that made committed batches durable.\n"
      "# TYPE konfid_commit_syncs_total counter\nkonfid_commit_syncs_total {}\n",
      s.audit_events, s.batches, s.operations, s.syncs);
  extra += d_.events.RenderMetrics();
  extra += d_.jobs.RenderMetrics();
  extra += OverdueMetrics();
  return Text(200, d_.metrics.Render(extra), "text/plain; version=0.0.4", call.req);
}

std::string Api::OverdueMetrics() {
  std::string overdue =
      "# HELP konfid_requests_overdue Open data-subject requests past their legal term.\n"
      "# TYPE konfid_requests_overdue gauge\n";
  std::string without_term =
      "# HELP konfid_requests_without_term Open data-subject requests whose term no production "
      "calendar covers.\n"
      "# TYPE konfid_requests_without_term gauge\n";
  for (const auto& t : d_.digest.Terms(d_.clock.Now())) {
    if (t.error) {  // the rest of the page still serves; the failure is logged and counted
      d_.events.Write(d_.clock.Now(), LogLevel::kError, "metrics_failed",
                      {{"what", "requests_overdue"},
                       {"tenant", t.tenant},
                       {"code", ErrorCodeName(t.error->code())},
                       {"detail", t.error->detail()}});
      continue;
    }
    for (const auto& [kind, n] : t.overdue)
      overdue += fmt::format("konfid_requests_overdue{{tenant=\"{}\",kind=\"{}\"}} {}\n", t.tenant,
                             kind, n);
    without_term +=
        fmt::format("konfid_requests_without_term{{tenant=\"{}\"}} {}\n", t.tenant, t.without_term);
  }
  return overdue + without_term;
}

Response Api::ReceiptKey(const Call& call) {
  std::string tenant;
  for (auto param : call.target.params(boost::urls::encoding_opts{}))
    if (param.key == "tenant") tenant = param.value;
  if (tenant.empty())
    return Problem(call.req, Invalid("name the tenant: ?tenant=<id>", "tenant_required"));
  auto key = d_.consents.ReceiptKey(tenant);
  if (!key) return Problem(call.req, key.error());
  json::object jwk{{"kty", "OKP"},      {"crv", "Ed25519"}, {"x", Base64UrlEncode(key->second)},
                   {"kid", key->first}, {"use", "sig"},     {"alg", "EdDSA"}};
  return Json(200, json::object{{"keys", json::array{jwk}}}, call.req);
}

Response Api::Confirm(const Call& call) {
  auto body = ParseJsonObject(call.req);
  if (!body) return Problem(call.req, body.error());
  if (auto st = OnlyMembers(*body, {"tenant", "token"}, "the body"); !st)
    return Problem(call.req, st.error());
  auto r = Await<std::vector<domain::ConsentEvent>>(
      [&](auto cb) {
        d_.registrations.Confirm(StringMember(*body, "tenant"), StringMember(*body, "token"),
                                 std::move(cb));
      },
      call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array given;
  for (const auto& e : *r) given.push_back(ConsentEventJson(e));
  return Json(200, json::object{{"confirmed", true}, {"consents", std::move(given)}}, call.req);
}

Response Api::Register(const Call& call) {
  auto input = ParseRegistrationBody(call.req);
  if (!input) return Problem(call.req, input.error());
  auto r = Await<app::RegistrationResult>(
      [&](auto cb) { d_.registrations.Register(*call.actor, *input, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  json::array refused;
  for (const auto& e : r->refused) refused.push_back(ConsentEventJson(e));
  return Json(201,
              json::object{{"subject", r->subject},
                           {"created", r->created},
                           {"confirmation", "sent to the email address; consents wait for it"},
                           {"message", r->message},
                           {"refused", std::move(refused)}},
              call.req);
}

Response Api::CreateSubject(const Call& call) {
  auto input = ParseFieldsBody(call.req, false);
  if (!input) return Problem(call.req, input.error());
  auto r = Await<app::SubjectView>(
      [&](auto cb) { d_.subjects.Create(*call.actor, *input, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  Response res = Json(201, SubjectJson(*r, false), call.req);
  res.set(beast_http::field::location, "/v1/subjects/" + r->id);
  return res;
}

// Reads name their purpose: ?purpose=<id>; the use case refuses a read without one.
Response Api::FindSubject(const Call& call) {
  ReadQuery q = ParseReadQuery(call.target);
  if (q.lookups != 1 || !q.lookup)
    return Problem(call.req, Invalid("give exactly one lookup parameter and the purpose, e.g. "
                                     "?email=...&purpose=...",
                                     "invalid_query"));
  auto sealed = Await<app::SealedSubject>(
      [&](auto cb) {
        d_.subjects.Find(*call.actor, q.lookup->first, q.lookup->second, q.purpose, std::move(cb));
      },
      call.yield);
  return ReadReply(call, sealed, q.purpose);
}

// A read's reply: the row decrypted on this thread, once its audit event is durable, with the
// purpose it was read for.
Response Api::ReadReply(const Call& call, const Result<app::SealedSubject>& sealed,
                        const std::string& purpose) {
  if (!sealed) return Problem(call.req, sealed.error());
  auto r = d_.subjects.Open(*sealed);
  if (!r) return Problem(call.req, r.error());
  json::object body = SubjectJson(*r, true);
  body["purpose"] = purpose;
  return Json(200, body, call.req);
}

Response Api::GetSubject(const Call& call) {
  ReadQuery q = ParseReadQuery(call.target);
  if (q.lookups != 0)
    return Problem(call.req, Invalid("a read by id takes only ?purpose=...", "invalid_query"));
  std::string id(call.params.Get("id"));
  auto sealed = Await<app::SealedSubject>(
      [&](auto cb) { d_.subjects.Get(*call.actor, id, q.purpose, std::move(cb)); }, call.yield);
  return ReadReply(call, sealed, q.purpose);
}

Response Api::UpdateSubject(const Call& call) {
  auto input = ParseFieldsBody(call.req, true);
  if (!input) return Problem(call.req, input.error());
  std::string id(call.params.Get("id"));
  auto r = Await<app::SubjectView>(
      [&](auto cb) { d_.subjects.Update(*call.actor, id, *input, std::move(cb)); }, call.yield);
  if (!r) return Problem(call.req, r.error());
  return Json(200, SubjectJson(*r, false), call.req);
}

Response Api::DeleteSubject(const Call& call) {
  std::string id(call.params.Get("id"));
  auto r = Await<void>([&](auto cb) { d_.subjects.Destroy(*call.actor, id, std::move(cb)); },
                       call.yield);
  if (!r) return Problem(call.req, r.error());
  return NoContent(call.req);
}

}  // namespace konfid::http
