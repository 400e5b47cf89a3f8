// Single-use links (email confirmation, policy-change renewal): the secret goes only into the
// message, the token row keeps a keyed hash of it and, as text, what using it applies.
//
// Pending text grammar (one line per entry, keys unique, values without newlines):
//   pending = *( key "=" value LF )
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app::internal {

// A new secret for a link: 32 random bytes, base64url.
std::string NewLinkSecret(ports::Crypto& crypto);
// The token row's hash of a link's secret, bound to the tenant.
Bytes TokenHash(ports::Crypto& crypto, const std::string& tenant, std::string_view secret);
// What a token applies when used, as "key=value" lines (newlines in values become spaces),
// and back.
std::string PendingText(const std::map<std::string, std::string>& values);
std::map<std::string, std::string> ParsePending(std::string_view text);
std::vector<std::string> SplitComma(const std::string& s);
// A token row that exists, is of `kind`, unused and unexpired.
bool UsableToken(const std::optional<ports::TokenRow>& row, std::string_view kind, UnixMicros now);

}  // namespace konfid::app::internal
