// The id that ties a response to the log lines about its request (X-Request-Id).
#pragma once

#include <string>
#include <string_view>

namespace konfid::http {

// `incoming` when it is a well-formed id (1..64 characters of A-Z a-z 0-9 . _ - : so it is
// safe in a header and a log line), else a new random one (16 hex characters).
std::string RequestIdOf(std::string_view incoming);

}  // namespace konfid::http
