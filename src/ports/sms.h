// Sends one text message (SMS) to a phone number. The one-time codes of app/self_identity.h use
// it where the configuration names a gateway ([sms] in konfid.toml); the HTTP-gateway adapter
// (adapters/sms) implements it. Implementations are thread-safe.
#pragma once

#include <string>

#include "core/error.h"

namespace konfid::ports {

struct SmsMessage {
  std::string to;    // E.164, "+79123456789"
  std::string text;  // UTF-8; a one-time code: never logged, never quoted in an error
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // Ok once the gateway accepted the message. Unavailable when it may succeed later (no
  // connection, a timeout, a 5xx or 429 reply): retry with backoff. InvalidArgument (reason
  // sms_rejected) when the gateway refused it for good (another 4xx). Errors never hold the
  // number or the text.
  virtual Status Send(const SmsMessage& message) = 0;
};

}  // namespace konfid::ports
