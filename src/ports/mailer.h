// Sends one email message. The outbox job (later work) calls it; the SMTP adapter implements
// it with libcurl.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace konfid::ports {

struct MailMessage {
  std::string from;             // envelope sender, an address
  std::vector<std::string> to;  // envelope recipients
  std::string data;             // the whole RFC 5322 message, CRLF line ends (domain/mail.h)
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Ok once the server accepted the message. Unavailable when it may succeed later (no
  // connection, a 4xx reply, a timeout): retry with backoff. InvalidArgument (reason
  // mail_rejected) when the server refused it for good (a 5xx reply).
  virtual Status Send(const MailMessage& message) = 0;
};

}  // namespace konfid::ports
