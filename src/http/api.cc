#include "http/api.h"
#include "http/bodies.h"
#include "http/readiness.h"
#include "http/request_id.h"
#include "http/respond.h"

#include <fmt/format.h>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace konfid::http {

namespace asio = boost::asio;
namespace json = boost::json;

// {"fields": {"name": "value", ...}}: nothing else at the top level; values are strings, or
// null (PATCH only) to remove a field.
// The members of "fields": strings, or null (PATCH only) to remove a field.
Result<domain::FieldInput> ParseFieldValues(const json::value* fields, bool allow_null) {
  if (!fields || !fields->is_object())
    return Fail(Invalid("'fields' must be an object", "invalid_json"));
  domain::FieldInput out;
  for (const auto& kv : fields->get_object()) {
    std::string name(kv.key());
    if (kv.value().is_null() && allow_null) {
      out.emplace_back(std::move(name), std::nullopt);
    } else if (kv.value().is_string()) {
      out.emplace_back(std::move(name), std::string(kv.value().get_string()));
    } else {
      std::string shown = name.size() > 64 ? name.substr(0, 64) : name;
      return Fail(Invalid("field '" + shown + "' must be a string", "invalid_value"));
    }
  }
  return out;
}

Result<domain::FieldInput> ParseFieldsBody(const Request& req, bool allow_null) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"fields"}, "the body"));
  return ParseFieldValues(root.if_contains("fields"), allow_null);
}

std::string StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

// {"fields": {...}, "consents": {"<purpose>": true|false, ...}, "policy_version": n,
//  "lang": "ru", "context": {"form": "...", "page": "...", "ip": "...", "user_agent": "..."}}
Result<app::RegistrationInput> ParseRegistrationBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(
      OnlyMembers(root, {"fields", "consents", "policy_version", "lang", "context"}, "the body"));
  app::RegistrationInput in;
  KONFID_ASSIGN_OR_RETURN(in.fields, ParseFieldValues(root.if_contains("fields"), false));
  const json::value* consents = root.if_contains("consents");
  if (!consents || !consents->is_object())
    return Fail(Invalid("'consents' must map each consent purpose to true or false",
                        "consent_choice_missing"));
  for (const auto& kv : consents->get_object()) {
    if (!kv.value().is_bool())
      return Fail(Invalid(
          "the choice for '" + std::string(kv.key().substr(0, 64)) + "' must be true or false",
          "invalid_value"));
    in.choices[std::string(kv.key())] = kv.value().get_bool();
  }
  if (const json::value* v = root.if_contains("policy_version")) {
    if (!v->is_int64() || v->get_int64() < 1)
      return Fail(Invalid("'policy_version' must be a positive integer", "invalid_value"));
    in.policy_version = v->get_int64();
  }
  if (root.contains("lang")) in.lang = StringMember(root, "lang");
  if (const json::value* c = root.if_contains("context")) {
    if (!c->is_object()) return Fail(Invalid("'context' must be an object", "invalid_json"));
    KONFID_TRY(OnlyMembers(c->get_object(), {"form", "page", "ip", "user_agent"}, "context"));
    // The consent events' source: the form and the page it was on. A page's query string or
    // fragment can carry what the visitor typed (an address, say), so only what comes before
    // them is kept.
    std::string form = StringMember(c->get_object(), "form");
    std::string page = StringMember(c->get_object(), "page");
    page = page.substr(0, page.find_first_of("?#"));
    in.form = form.empty() ? page : page.empty() ? form : form + " " + page;
    in.ip = StringMember(c->get_object(), "ip");
    in.user_agent = StringMember(c->get_object(), "user_agent");
  }
  return in;
}

// {"purpose": "...", "action": "give|withdraw|refuse", "policy_version": n, "lang": "ru",
//  "method": "api", "source": "...", "context": {"ip": "...", "user_agent": "..."}}
Result<app::ConsentInput> ParseConsentBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object doc, ParseJsonObject(req));
  app::ConsentInput in;
  bool have_action = false;
  auto text = [](const json::value& v, const char* what) -> Result<std::string> {
    if (!v.is_string())
      return Fail(Invalid(std::string("'") + what + "' must be a string", "invalid_value"));
    return std::string(v.get_string());
  };
  for (const auto& kv : doc) {
    std::string_view k = kv.key();
    if (k == "purpose") {
      KONFID_ASSIGN_OR_RETURN(in.purpose, text(kv.value(), "purpose"));
    } else if (k == "action") {
      KONFID_ASSIGN_OR_RETURN(std::string a, text(kv.value(), "action"));
      if (a == "give")
        in.kind = domain::ConsentKind::kGiven;
      else if (a == "withdraw")
        in.kind = domain::ConsentKind::kWithdrawn;
      else if (a == "refuse")
        in.kind = domain::ConsentKind::kRefused;
      else
        return Fail(Invalid("action must be give, withdraw or refuse", "invalid_value"));
      have_action = true;
    } else if (k == "policy_version") {
      if (!kv.value().is_int64() || kv.value().get_int64() < 1)
        return Fail(Invalid("'policy_version' must be a positive integer", "invalid_value"));
      in.policy_version = kv.value().get_int64();
    } else if (k == "lang") {
      KONFID_ASSIGN_OR_RETURN(in.lang, text(kv.value(), "lang"));
    } else if (k == "method") {
      KONFID_ASSIGN_OR_RETURN(in.method, text(kv.value(), "method"));
    } else if (k == "source") {
      KONFID_ASSIGN_OR_RETURN(in.source, text(kv.value(), "source"));
    } else if (k == "context") {
      if (!kv.value().is_object())
        return Fail(Invalid("'context' must be an object", "invalid_json"));
      for (const auto& c : kv.value().get_object()) {
        if (c.key() == "ip") {
          KONFID_ASSIGN_OR_RETURN(in.ip, text(c.value(), "context.ip"));
        } else if (c.key() == "user_agent") {
          KONFID_ASSIGN_OR_RETURN(in.user_agent, text(c.value(), "context.user_agent"));
        } else {
          return Fail(
              Invalid("unknown member '" + std::string(c.key().substr(0, 64)) + "' in context",
                      "unknown_field"));
        }
      }
    } else {
      return Fail(Invalid("unknown member '" + std::string(k.substr(0, 64)) + "' in the body",
                          "unknown_field"));
    }
  }
  if (in.purpose.empty() || !have_action)
    return Fail(Invalid("'purpose' and 'action' are required", "required_field"));
  return in;
}

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

}  // namespace

Api::Api(ApiDeps deps)
    : d_(std::move(deps)), ready_(std::make_unique<ReadinessCheck>(d_.storage)) {}
Api::~Api() = default;

Response Api::Handle(const Request& req, const std::string& peer, Yield yield) {
  int64_t start = d_.clock.MonotonicMicros();
  std::string request_id = RequestIdOf(req["X-Request-Id"]);
  std::string route = "unmatched";
  Response res;
  try {
    std::string forwarded;  // every X-Forwarded-For header, in order
    if (!d_.trusted_proxies.empty())
      for (auto [f, last] = req.equal_range("X-Forwarded-For"); f != last; ++f)
        forwarded.append(forwarded.empty() ? "" : ",").append(f->value().data(), f->value().size());
    std::string client = ClientAddress(peer, forwarded, d_.trusted_proxies);
    res = Route(req, client, route, yield);
  } catch (const std::exception& e) {
    res = Problem(Error(ErrorCode::kInternal, "internal error", e.what()), req.version(), false);
  }
  // Unknown methods share one label, so a client cannot mint new series.
  std::string method =
      req.method() == beast_http::verb::unknown ? "OTHER" : std::string(req.method_string());
  if (res.result_int() >= 500) LogFailure(req, res, request_id, route, method);
  res.set("X-Request-Id", request_id);
  d_.metrics.Observe(route, method, res.result_int(), d_.clock.MonotonicMicros() - start);
  return res;
}

void Api::LogFailure(const Request&, Response& res, const std::string& request_id,
                     const std::string& route, const std::string& method) {
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

bool Api::Limited(const std::string& route, const std::string& client) {
  return !link_limit_.Allow(route + " " + client, d_.clock.MonotonicMicros());
}

Response Api::Route(const Request& req, const std::string& client, std::string& route,
                    Yield yield) {
  auto problem = [&](const Error& e) { return Problem(e, req.version(), req.keep_alive()); };
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return problem(Invalid("the request target is not a valid URL", "invalid_target"));
  std::string path = target->path();
  auto method = req.method();

  if (path == "/healthz") {
    route = "/healthz";
    return Json(200, json::object{{"status", "ok"}}, req);
  }
  if (path == "/readyz") {
    route = "/readyz";
    if (auto st = ready_->Check(std::chrono::seconds(2), yield); !st)
      return problem(Error(ErrorCode::kUnavailable, "storage is not ready: " + st.error().message(),
                           st.error().detail()));
    if (auto st = d_.committer.CheckKeyEpoch(); !st) return problem(st.error());
    return Json(200, json::object{{"status", "ready"}}, req);
  }
  if (path == "/metrics") {
    route = "/metrics";
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
    return Text(200, d_.metrics.Render(extra), "text/plain; version=0.0.4", req);
  }

  if (path == "/v1/policy" || path.starts_with("/v1/policy/"))
    return PolicyRoute(req, path, *target, route);
  if (path == "/v1/apikeys" || path.starts_with("/v1/apikeys/"))
    return AdminRoute(req, path, route);
  if (path.starts_with("/v1/jobs/")) return JobsRoute(req, path, route, yield);

  if (path == "/v1/confirmations") {  // public: the link's token is the credential
    route = "/v1/confirmations";
    if (method != beast_http::verb::post) return MethodNotAllowed(req, "POST");
    if (Limited(route, client))
      return problem(Error(ErrorCode::kTooManyRequests, "too many attempts; try again later")
                         .WithReason("rate_limited"));
    auto body = ParseJsonObject(req);
    if (!body) return problem(body.error());
    if (auto st = OnlyMembers(*body, {"tenant", "token"}, "the body"); !st)
      return problem(st.error());
    auto r = Await<std::vector<domain::ConsentEvent>>(
        [&](auto cb) {
          d_.vault.Confirm(StringMember(*body, "tenant"), StringMember(*body, "token"),
                           std::move(cb));
        },
        yield);
    if (!r) return problem(r.error());
    json::array given;
    for (const auto& e : *r) given.push_back(ConsentEventJson(e));
    return Json(200, json::object{{"confirmed", true}, {"consents", std::move(given)}}, req);
  }
  if (path.starts_with("/v1/unsubscribe/"))  // public: RFC 8058 one-click
    return UnsubscribeRoute(req, path, *target, client, route, yield);
  if (path.starts_with("/v1/renewals/")) return RenewalRoute(req, path, client, route, yield);
  if (path == "/v1/audit/checkpoints") return AuditRoute(req, *target, route);
  if (path == "/v1/keys/receipt") {
    route = "/v1/keys/receipt";
    if (method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
    std::string tenant;
    for (auto param : target->params(boost::urls::encoding_opts{}))
      if (param.key == "tenant") tenant = param.value;
    if (tenant.empty()) return problem(Invalid("name the tenant: ?tenant=<id>", "tenant_required"));
    if (!d_.vault.Policy(tenant))
      return problem(Error(ErrorCode::kNotFound, "no such tenant on this server")
                         .WithReason("tenant_not_configured"));
    auto key = d_.vault.ReceiptKey(tenant);
    if (!key) return problem(key.error());
    json::object jwk{{"kty", "OKP"},      {"crv", "Ed25519"}, {"x", Base64UrlEncode(key->second)},
                     {"kid", key->first}, {"use", "sig"},     {"alg", "EdDSA"}};
    return Json(200, json::object{{"keys", json::array{jwk}}}, req);
  }
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
    return problem(Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
  route = collection         ? "/v1/subjects"
          : consents         ? "/v1/subjects/{id}/consents"
          : receipt          ? "/v1/receipts/{id}"
          : registrations    ? "/v1/registrations"
          : messages         ? "/v1/subjects/{id}/messages"
          : unsubscribe_link ? "/v1/subjects/{id}/unsubscribe-link"
                             : "/v1/subjects/{id}";
  if (receipt && method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
  if (consents && method != beast_http::verb::get && method != beast_http::verb::post)
    return MethodNotAllowed(req, "GET, POST");
  if (collection && method != beast_http::verb::post && method != beast_http::verb::get)
    return MethodNotAllowed(req, "GET, POST");
  if (item && method != beast_http::verb::get && method != beast_http::verb::patch &&
      method != beast_http::verb::delete_)
    return MethodNotAllowed(req, "GET, PATCH, DELETE");

  auto auth = req[beast_http::field::authorization];
  if (!auth.starts_with("Bearer "))
    return problem(
        Error(ErrorCode::kUnauthenticated, "an API key is required: Authorization: Bearer <key>")
            .WithReason("missing_api_key"));
  auto actor = d_.keys.Authenticate(std::string_view(auth.data() + 7, auth.size() - 7));
  if (!actor) return problem(actor.error());
  if (!d_.vault.Policy(actor->tenant))
    return problem(Error(ErrorCode::kPermissionDenied,
                         "this API key's tenant is not configured on this server")
                       .WithReason("tenant_not_configured"));

  if (messages) {
    if (method != beast_http::verb::post) return MethodNotAllowed(req, "POST");
    std::string id = path.substr(13, path.size() - 13 - 9);
    auto body = ParseJsonObject(req);
    if (!body) return problem(body.error());
    if (auto st = OnlyMembers(*body, {"purpose", "subject", "body"}, "the body"); !st)
      return problem(st.error());
    auto r = Await<std::string>(
        [&](auto cb) {
          d_.vault.SendMarketing(*actor, id, StringMember(*body, "purpose"),
                                 StringMember(*body, "subject"), StringMember(*body, "body"),
                                 std::move(cb));
        },
        yield);
    if (!r) return problem(r.error());
    return Json(202, json::object{{"message", *r}}, req);
  }
  if (unsubscribe_link) {
    if (method != beast_http::verb::get) return MethodNotAllowed(req, "GET");
    std::string id = path.substr(13, path.size() - 13 - 17), for_purpose;
    for (auto param : target->params(boost::urls::encoding_opts{}))
      if (param.key == "purpose") for_purpose = param.value;
    auto token = d_.vault.UnsubscribeToken(*actor, id, for_purpose);
    if (!token) return problem(token.error());
    std::string url = d_.unsubscribe_base + "/v1/unsubscribe/" + actor->tenant + "/" + *token;
    return Json(
        200,
        json::object{
            {"url", url},
            {"headers", json::object{{"List-Unsubscribe", "<" + url + ">"},
                                     {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}}}},
        req);
  }
  if (registrations) {
    if (method != beast_http::verb::post) return MethodNotAllowed(req, "POST");
    auto input = ParseRegistrationBody(req);
    if (!input) return problem(input.error());
    auto r = Await<app::RegistrationResult>(
        [&](auto cb) { d_.vault.Register(*actor, *input, std::move(cb)); }, yield);
    if (!r) return problem(r.error());
    json::array refused;
    for (const auto& e : r->refused) refused.push_back(ConsentEventJson(e));
    return Json(201,
                json::object{{"subject", r->subject},
                             {"created", r->created},
                             {"confirmation", "sent to the email address; consents wait for it"},
                             {"message", r->message},
                             {"refused", std::move(refused)}},
                req);
  }
  if (receipt) {
    std::string id = path.substr(13);
    auto r = Await<ports::ConsentEventRow>(
        [&](auto cb) { d_.vault.Receipt(*actor, id, std::move(cb)); }, yield);
    if (!r) return problem(r.error());
    if (req[beast_http::field::accept].find("application/jose") != std::string_view::npos)
      return Text(200, r->receipt, "application/jose", req);
    json::object body = ConsentEventJson(r->event);
    body["subject"] = r->subject;
    body["receipt"] = r->receipt;
    return Json(200, body, req);
  }
  if (consents) {
    std::string id = path.substr(13, path.size() - 13 - 9);
    if (method == beast_http::verb::post) {
      auto input = ParseConsentBody(req);
      if (!input) return problem(input.error());
      auto r = Await<ports::ConsentEventRow>(
          [&](auto cb) { d_.vault.RecordConsent(*actor, id, *input, std::move(cb)); }, yield);
      if (!r) return problem(r.error());
      json::object body = ConsentEventJson(r->event);
      body["receipt"] = r->receipt;
      Response res = Json(201, body, req);
      res.set(beast_http::field::location, "/v1/receipts/" + r->event.id);
      return res;
    }
    auto r = Await<app::ConsentLedger>(
        [&](auto cb) { d_.vault.Consents(*actor, id, std::move(cb)); }, yield);
    if (!r) return problem(r.error());
    json::array states, events;
    for (const auto& [purpose, st] : r->states)
      states.push_back(
          json::object{{"purpose", purpose},
                       {"state", st.last ? domain::ConsentKindName(*st.last) : "none"},
                       {"live", st.live},
                       {"renewal_needed", st.renewal_needed},
                       {"since", st.since ? FormatRfc3339(st.since) : ""},
                       {"policy_version", st.policy_version},
                       {"expires_at", st.expires_at ? FormatRfc3339(st.expires_at) : ""}});
    for (const auto& e : r->events) events.push_back(ConsentEventJson(e));
    return Json(
        200,
        json::object{
            {"subject", id}, {"consents", std::move(states)}, {"events", std::move(events)}},
        req);
  }
  if (collection && method == beast_http::verb::post) {
    auto input = ParseFieldsBody(req, false);
    if (!input) return problem(input.error());
    auto r = Await<app::SubjectView>(
        [&](auto cb) { d_.vault.Create(*actor, *input, std::move(cb)); }, yield);
    if (!r) return problem(r.error());
    Response res = Json(201, SubjectJson(*r, false), req);
    res.set(beast_http::field::location, "/v1/subjects/" + r->id);
    return res;
  }
  // Reads name their purpose: ?purpose=<id>; the vault refuses a read without one.
  std::string purpose;
  std::optional<std::pair<std::string, std::string>> lookup;
  size_t lookups = 0;
  for (auto param : target->params(boost::urls::encoding_opts{})) {
    if (param.key == "purpose") {
      purpose = param.value;
    } else {
      ++lookups;
      if (param.has_value) lookup.emplace(param.key, param.value);
    }
  }
  if (collection && method == beast_http::verb::get) {  // lookup by exactly one lookup field
    if (lookups != 1 || !lookup)
      return problem(
          Invalid("give exactly one lookup parameter and the purpose, e.g. ?email=...&purpose=...",
                  "invalid_query"));
    auto sealed = Await<app::SealedSubject>(
        [&](auto cb) {
          d_.vault.Find(*actor, lookup->first, lookup->second, purpose, std::move(cb));
        },
        yield);
    if (!sealed) return problem(sealed.error());
    auto r = d_.vault.Open(*sealed);
    if (!r) return problem(r.error());
    json::object body = SubjectJson(*r, true);
    body["purpose"] = purpose;
    return Json(200, body, req);
  }
  std::string id = path.substr(13);
  if (method == beast_http::verb::get) {
    if (lookups != 0)
      return problem(Invalid("a read by id takes only ?purpose=...", "invalid_query"));
    auto sealed = Await<app::SealedSubject>(
        [&](auto cb) { d_.vault.Get(*actor, id, purpose, std::move(cb)); }, yield);
    if (!sealed) return problem(sealed.error());
    auto r = d_.vault.Open(*sealed);
    if (!r) return problem(r.error());
    json::object body = SubjectJson(*r, true);
    body["purpose"] = purpose;
    return Json(200, body, req);
  }
  if (method == beast_http::verb::patch) {
    auto input = ParseFieldsBody(req, true);
    if (!input) return problem(input.error());
    auto r = Await<app::SubjectView>(
        [&](auto cb) { d_.vault.Update(*actor, id, *input, std::move(cb)); }, yield);
    if (!r) return problem(r.error());
    return Json(200, SubjectJson(*r, false), req);
  }
  auto r = Await<void>([&](auto cb) { d_.vault.Destroy(*actor, id, std::move(cb)); }, yield);
  if (!r) return problem(r.error());
  Response res{beast_http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

}  // namespace konfid::http
