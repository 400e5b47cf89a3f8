#include "http/client_address.h"

#include <boost/asio/ip/address.hpp>

namespace konfid::http {

namespace {

namespace ip = boost::asio::ip;

// The address as 16 bytes (IPv4 mapped into IPv6), or false when `text` is not one.
bool ParseAddress(std::string_view text, std::array<uint8_t, 16>& out, bool& v4) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  v4 = a.is_v4();
  out = v4 ? ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes() : a.to_v6().to_bytes();
  return true;
}

bool Contains(const AddressBlock& block, const std::array<uint8_t, 16>& a) {
  unsigned bits = block.prefix;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((block.bytes[i] & mask) != (a[i] & mask)) return false;
  }
  return true;
}

bool IsTrusted(const TrustedProxies& trusted, const std::array<uint8_t, 16>& a) {
  for (const auto& block : trusted)
    if (Contains(block, a)) return true;
  return false;
}

// One spelling per address ("2001:db8::1", not also "2001:DB8:0::1"), so that a client cannot
// get a fresh limit by writing its address another way.
std::string Canonical(std::string_view text) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::string(text);
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a.to_string();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<TrustedProxies> ParseTrustedProxies(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const auto& entry : entries) {
    std::string_view text = entry;
    size_t slash = text.find('/');
    AddressBlock block;
    bool v4 = false;
    auto bad = [&] {
      return Fail(ErrorCode::kInvalidArgument,
                  "trusted_proxies: '" + entry + "' is not an IP address or CIDR block");
    };
    if (!ParseAddress(text.substr(0, slash), block.bytes, v4)) return bad();
    block.prefix = v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
      std::string_view bits = text.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != bits.npos)
        return bad();
      unsigned n = static_cast<unsigned>(std::stoul(std::string(bits)));
      if (n > block.prefix) return bad();
      block.prefix = n;
    }
    if (v4) block.prefix += 96;  // the mapped prefix ::ffff:0:0/96
    out.push_back(block);
  }
  return out;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
  if (trusted.empty() || forwarded_for.empty() || !ParseAddress(peer, bytes, v4) ||
      !IsTrusted(trusted, bytes))
    return std::string(peer);
  std::string_view believed = peer;  // the nearest hop so far whose word counts
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view entry =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? "" : forwarded_for.substr(0, comma);
    if (!ParseAddress(entry, bytes, v4)) break;
    believed = entry;
    if (!IsTrusted(trusted, bytes)) break;
  }
  return Canonical(believed);
}

}  // namespace konfid::http
