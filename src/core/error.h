// Error and Result<T>: how every fallible function in Konfid reports failure.
//
// An Error carries a code from a closed list, a public message that may be shown to a
// client, and an internal detail that goes only to logs. Neither may hold personal data:
// callers name fields and operations, never values.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace konfid {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kConflict,
  kConsentRequired,
  kPermissionDenied,
  kUnauthenticated,
  kTooLarge,
  kTooManyRequests,
  kUnavailable,
  kDataLoss,
  kInternal,
};

// Stable lower-case name of a code, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string public_message, std::string detail = {})
      : code_(code), message_(std::move(public_message)), detail_(std::move(detail)) {}

  ErrorCode code() const { return code_; }
  // Safe to return to the client.
  const std::string& message() const { return message_; }
  // For logs only; still free of personal data.
  const std::string& detail() const { return detail_; }
  // A stable machine-readable reason within the code, e.g. "duplicate_email".
  const std::string& reason() const { return reason_; }
  Error& WithReason(std::string reason) {
    reason_ = std::move(reason);
    return *this;
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string detail_;
  std::string reason_;
};

// [[nodiscard]] on the type: libstdc++ 12's std::expected is not, and an ignored error is a
// lost one. With -Werror a call that drops a Result does not compile; where a failure truly
// does not matter, say so with a (void) cast and a comment.
template <typename T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};

using Status = Result<void>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string detail = {}) {
  return std::unexpected(Error(code, std::move(message), std::move(detail)));
}

inline std::unexpected<Error> Fail(Error error) { return std::unexpected(std::move(error)); }

inline Status Ok() { return {}; }

}  // namespace konfid

// Propagates the error of an expression returning Result/Status.
#define KONFID_TRY(expr)                                         \
  do {                                                           \
    if (auto konfid_try_r = (expr); !konfid_try_r.has_value())   \
      return ::std::unexpected(std::move(konfid_try_r).error()); \
  } while (0)

#define KONFID_CONCAT_INNER(a, b) a##b
#define KONFID_CONCAT(a, b) KONFID_CONCAT_INNER(a, b)
// Declares `lhs` from the value of a Result, or returns its error.
#define KONFID_ASSIGN_OR_RETURN(lhs, expr) \
  KONFID_ASSIGN_OR_RETURN_IMPL(KONFID_CONCAT(konfid_r_, __LINE__), lhs, expr)
#define KONFID_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                      \
  auto tmp = (expr);                                                      \
  if (!tmp.has_value()) return ::std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
