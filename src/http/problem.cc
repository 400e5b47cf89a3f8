#include <boost/json.hpp>

#include "http/api.h"

namespace konfid::http {

unsigned HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kConsentRequired:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDataLoss:
      return 500;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response Problem(const Error& error, unsigned version, bool keep_alive) {
  unsigned status = HttpStatusOf(error.code());
  // Reasons whose HTTP status is more specific than their code's.
  if (error.reason() == "unsupported_media_type") status = 415;
  if (error.reason() == "method_not_allowed") status = 405;
  std::string code =
      error.reason().empty() ? std::string(ErrorCodeName(error.code())) : error.reason();
  // 5xx keep their internal detail out of the body: it goes to the log only.
  std::string detail = status >= 500 && error.code() != ErrorCode::kUnavailable
                           ? std::string("internal error")
                           : error.message();
  boost::json::object body{
      {"type", "urn:konfid:problem:" + code},
      {"title", std::string(beast_http::obsolete_reason(static_cast<beast_http::status>(status)))},
      {"status", status},
      {"code", code},
      {"detail", detail},
  };
  Response res{static_cast<beast_http::status>(status), version};
  res.set(beast_http::field::content_type, "application/problem+json");
  if (status == 401) res.set(beast_http::field::www_authenticate, "Bearer realm=\"konfid\"");
  if (status >= 500) {  // for the log (Api::Handle), never sent
    res.set(kErrorCodeField, code);
    res.set(kErrorDetailField, error.detail().empty() ? error.message() : error.detail());
  }
  res.keep_alive(keep_alive);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace konfid::http
