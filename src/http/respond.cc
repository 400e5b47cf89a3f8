#include "http/respond.h"

namespace konfid::http {

Error Invalid(std::string message, std::string reason) {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithReason(std::move(reason));
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

Response MethodNotAllowed(const Request& req, const char* allow) {
  Response res = Problem(Error(ErrorCode::kInvalidArgument, "method not allowed on this route")
                             .WithReason("method_not_allowed"),
                         req.version(), req.keep_alive());
  res.set(beast_http::field::allow, allow);
  return res;
}

}  // namespace konfid::http
