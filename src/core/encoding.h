// Byte encodings used in stored formats and tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace konfid {

using Bytes = std::vector<uint8_t>;

std::string HexEncode(std::span<const uint8_t> bytes);
// Returns nullopt on odd length or a non-hex character.
std::optional<Bytes> HexDecode(std::string_view hex);

// Base64url without padding (RFC 4648 §5), as JWS uses it.
std::string Base64UrlEncode(std::span<const uint8_t> bytes);
std::optional<Bytes> Base64UrlDecode(std::string_view text);

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Appends a length-prefixed (u32 big-endian) string: an unambiguous encoding for hashing.
void AppendLengthPrefixed(Bytes& out, std::string_view s);
// Its inverse: takes one string off the front of `in`; false (and `in` unchanged) when `in`
// does not start with a whole one.
bool ReadLengthPrefixed(std::string_view& in, std::string& out);
void AppendU64(Bytes& out, uint64_t v);

}  // namespace konfid
