// Who the client is, for per-client limits: the TCP peer, or, when the peer is a configured
// reverse proxy, the address that proxy (and any trusted proxies before it) saw, from
// X-Forwarded-For. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace konfid::http {

// An address block: IPv4 addresses are kept as IPv4-mapped IPv6, so one comparison serves both.
struct AddressBlock {
  std::array<uint8_t, 16> bytes{};
  unsigned prefix = 128;  // leading bits that must match
};
using TrustedProxies = std::vector<AddressBlock>;

// "10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8". InvalidArgument naming the entry otherwise.
Result<TrustedProxies> ParseTrustedProxies(const std::vector<std::string>& entries);

// The client's address. `peer` is the TCP peer; `forwarded_for` the X-Forwarded-For header
// (several headers joined with ","). Unless the peer is a trusted proxy the header is not
// believed: anyone can send one. Otherwise the list is read from the right (each proxy
// appends the address it saw) and the first address that is not a trusted proxy is the
// client; a malformed entry ends the walk at the last proxy that could be believed.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace konfid::http
