// ports::SmsSender over a generic JSON-over-HTTP gateway, with libcurl: each message is one
// POST of {"from": sender, "to": number, "text": text} (application/json) to the configured
// URL, authenticated with `Authorization: Bearer <token>`. The reply's status decides: 2xx is
// accepted; 429, 5xx, no connection or a timeout are Unavailable (retry later); another 4xx is
// InvalidArgument, reason sms_rejected. Redirects are not followed (a 3xx is Unavailable: the
// URL is wrong, not the message). Errors name status codes and curl's error names only: never
// the number, the text, the token or the reply's body.
// Thread-safe: options are fixed at creation and each Send uses a curl handle of its own.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "core/secret_bytes.h"
#include "ports/sms.h"

namespace konfid::adapters {

struct HttpSmsOptions {
  std::string url;         // https://, or http:// (the token in clear: loopback only)
  std::string token_file;  // holds the bearer token (trailing newlines are dropped)
  std::string sender;      // the "from" of every message: a name or number the gateway knows
  long connect_timeout_ms = 5000;
  long timeout_ms = 10000;  // the whole request, connection included
};

// The request body of one message: {"from":…,"to":…,"text":…}, strings escaped as JSON
// (core/json_writer.h). Pure; exposed for tests.
std::string SmsRequestBody(const std::string& sender, const ports::SmsMessage& message);

class HttpSmsGateway : public ports::SmsSender {
 public:
  // Reads the token file. InvalidArgument (naming the file, never its content) when the URL is
  // not http(s), the file cannot be read, or the token is empty or holds control characters.
  static Result<std::unique_ptr<HttpSmsGateway>> Create(HttpSmsOptions options);
  ~HttpSmsGateway() override;
  HttpSmsGateway(const HttpSmsGateway&) = delete;
  HttpSmsGateway& operator=(const HttpSmsGateway&) = delete;

  // ports::SmsSender::Send. A number that is not E.164 or an empty text is refused
  // (sms_rejected) without a request.
  Status Send(const ports::SmsMessage& message) override;

 private:
  HttpSmsGateway(HttpSmsOptions options, SecretBytes token);
  HttpSmsOptions options_;
  SecretBytes token_;
};

}  // namespace konfid::adapters
