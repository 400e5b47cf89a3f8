#include "http/api.h"
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

namespace {

// {"fields": {"name": "value", ...}}: nothing else at the top level; values are strings, or
// null (PATCH only) to remove a field.
Result<domain::FieldInput> ParseFieldsBody(const Request& req, bool allow_null) {
  auto type = req[beast_http::field::content_type];
  if (!type.empty() && !type.starts_with("application/json"))
    return Fail(Error(ErrorCode::kInvalidArgument, "Content-Type must be application/json")
                    .WithReason("unsupported_media_type"));
  boost::system::error_code ec;
  json::value doc = json::parse(req.body(), ec);
  if (ec) return Fail(Invalid("the body is not valid JSON", "invalid_json"));
  if (!doc.is_object()) return Fail(Invalid("the body must be a JSON object", "invalid_json"));
  const json::object& root = doc.get_object();
  for (const auto& kv : root)
    if (kv.key() != "fields")
      return Fail(
          Invalid("unknown member '" + std::string(kv.key().substr(0, 64)) + "' in the body",
                  "unknown_field"));
  const json::value* fields = root.if_contains("fields");
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

json::object SubjectJson(const app::SubjectView& v, bool with_fields) {
  json::object o{{"id", v.id},
                 {"created_at", FormatRfc3339(v.created_at)},
                 {"updated_at", FormatRfc3339(v.updated_at)}};
  if (with_fields) {
    json::object f;
    for (const auto& [k, val] : v.fields) f[k] = val;
    o["fields"] = std::move(f);
  }
  return o;
}

}  // namespace

Response Api::Handle(const Request& req, Yield yield) {
  int64_t start = d_.clock.MonotonicMicros();
  std::string route = "unmatched";
  Response res;
  try {
    res = Route(req, route, yield);
  } catch (const std::exception& e) {
    res = Problem(Error(ErrorCode::kInternal, "internal error", e.what()), req.version(), false);
  }
  // Unknown methods share one label, so a client cannot mint new series.
  std::string method =
      req.method() == beast_http::verb::unknown ? "OTHER" : std::string(req.method_string());
  d_.metrics.Observe(route, method, res.result_int(), d_.clock.MonotonicMicros() - start);
  return res;
}

Response Api::Route(const Request& req, std::string& route, Yield yield) {
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
    if (auto st = d_.storage.CheckSchema(); !st)
      return problem(Error(ErrorCode::kUnavailable, "storage is not ready", st.error().detail()));
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
        "# TYPE konfid_committed_operations_total counter\nkonfid_committed_operations_total {}\n",
        s.audit_events, s.batches, s.operations);
    return Text(200, d_.metrics.Render(extra), "text/plain; version=0.0.4", req);
  }

  if (path == "/v1/policy" || path.starts_with("/v1/policy/"))
    return PolicyRoute(req, path, *target, route);

  bool collection = path == "/v1/subjects";
  bool item =
      path.starts_with("/v1/subjects/") && path.size() > 13 && path.find('/', 13) == path.npos;
  if (!collection && !item)
    return problem(Error(ErrorCode::kNotFound, "no such route").WithReason("no_route"));
  route = collection ? "/v1/subjects" : "/v1/subjects/{id}";
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
