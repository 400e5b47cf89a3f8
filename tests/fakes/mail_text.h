// The text of an RFC 5322 message as Konfid writes it (domain/mail.h: a base64 body after the
// headers), for the app tests that open outbox payloads. Test-only.
#pragma once

#include <algorithm>
#include <string>

#include "core/encoding.h"

namespace konfid::fakes {

// The headers, a blank line, then the decoded body; the headers alone when it does not decode.
inline std::string DecodedMail(const std::string& message) {
  size_t split = message.find("\r\n\r\n");
  if (split == std::string::npos) return message;
  std::string encoded = message.substr(split + 4);
  std::erase_if(encoded, [](char c) { return c == '\r' || c == '\n' || c == '='; });
  for (char& c : encoded) c = c == '+' ? '-' : c == '/' ? '_' : c;  // to base64url
  auto body = Base64UrlDecode(encoded);
  std::string headers = message.substr(0, split + 4);
  return body ? headers + std::string(body->begin(), body->end()) : headers;
}

// The same, of a message as the test SMTP server hands it over (bare line feeds).
inline std::string DecodedReceivedMail(const std::string& received) {
  std::string crlf;
  for (char c : received) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return DecodedMail(crlf);
}

}  // namespace konfid::fakes
