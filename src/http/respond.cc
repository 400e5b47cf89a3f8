#include "http/respond.h"

#include "domain/consent.h"
#include "http/json_body.h"

namespace konfid::http {

Error Invalid(std::string message, std::string reason) {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithReason(std::move(reason));
}

Result<boost::json::object> ParseJsonObject(const Request& req) {
  // A body without a type is refused too: it may be a form a browser sent across sites. An
  // empty body without one is just an empty (invalid) document.
  auto type = req[beast_http::field::content_type];
  if (!IsMediaType(type, "application/json") && !(type.empty() && req.body().empty()))
    return Fail(Error(ErrorCode::kInvalidArgument, "Content-Type must be application/json")
                    .WithReason("unsupported_media_type"));
  return ParseJsonBody(req.body());
}

Status OnlyMembers(const boost::json::object& root, std::initializer_list<std::string_view> known,
                   const char* where) {
  for (const auto& kv : root)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      return Fail(
          Invalid("unknown member '" + std::string(kv.key().substr(0, 64)) + "' in " + where,
                  "unknown_field"));
  return Ok();
}

boost::json::object ConsentEventJson(const domain::ConsentEvent& e) {
  return boost::json::object{{"id", e.id},
                             {"purpose", e.purpose},
                             {"kind", domain::ConsentKindName(e.kind)},
                             {"policy_version", e.policy_version},
                             {"text_hash", e.text_hash},
                             {"method", e.method},
                             {"source", e.source},
                             {"time", FormatRfc3339(e.time)},
                             {"ip", e.ip},
                             {"user_agent", e.user_agent}};
}

Response Json(unsigned status, const boost::json::value& body, const Request& req) {
  Response res{static_cast<beast_http::status>(status), req.version()};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

Response Text(unsigned status, std::string body, std::string_view type, const Request& req) {
  Response res{static_cast<beast_http::status>(status), req.version()};
  res.set(beast_http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response Problem(const Request& req, const Error& error) {
  return Problem(error, req.version(), req.keep_alive());
}

Response NoContent(const Request& req) {
  Response res{beast_http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

Response MethodNotAllowed(const Request& req, std::string_view allow) {
  Response res = Problem(Error(ErrorCode::kInvalidArgument, "method not allowed on this route")
                             .WithReason("method_not_allowed"),
                         req.version(), req.keep_alive());
  res.set(beast_http::field::allow, allow);
  return res;
}

}  // namespace konfid::http

namespace konfid::http {

Response HtmlPage(unsigned status, std::string html, const Request& req) {
  Response res = Text(status, std::move(html), "text/html; charset=utf-8", req);
  res.set(beast_http::field::cache_control, "no-store");
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
          "frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  return res;
}

std::optional<text::Lang> AcceptedLang(std::string_view header) {
  for (size_t pos = 0; pos < header.size();) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view tag = header.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    if (auto lang = text::ParseLang(tag.substr(0, 2))) return lang;
    pos = comma + 1;
  }
  return std::nullopt;
}

std::optional<size_t> ParseLimit(std::string_view value, size_t max) {
  if (value.empty() || value.size() > 6 ||
      value.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  size_t n = std::stoul(std::string(value));
  if (n < 1 || n > max) return std::nullopt;
  return n;
}

}  // namespace konfid::http
