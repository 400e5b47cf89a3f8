// Email messages as Konfid writes them: UTF-8 plain text, headers encoded for any mail
// server, and the one-click unsubscribe headers of RFC 8058 for marketing. Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/time.h"

namespace konfid::domain {

struct MailContent {
  std::string from;        // address
  std::string from_name;   // display name, UTF-8
  std::string to;          // address
  std::string subject;     // UTF-8
  std::string body;        // UTF-8 plain text
  std::string message_id;  // without angle brackets, e.g. "<id>@<domain>"
  UnixMicros date = 0;
  std::string unsubscribe_url;  // https://…; sets List-Unsubscribe and List-Unsubscribe-Post
};

// The RFC 5322 message with CRLF line ends: non-ASCII header text as RFC 2047 encoded words,
// the body base64-encoded (so no line is too long and no server rewrites it).
std::string RenderMail(const MailContent& mail);

// RFC 5322 date, e.g. "Sun, 22 Nov 2026 09:30:00 +0000".
std::string MailDate(UnixMicros t);

}  // namespace konfid::domain
