#include "app/tokens.h"

#include "core/encoding.h"

namespace konfid::app::internal {

std::string NewLinkSecret(ports::Crypto& crypto) {
  Bytes raw(32);
  crypto.RandomBytes(raw);
  return Base64UrlEncode(raw);
}

Bytes TokenHash(ports::Crypto& crypto, const std::string& tenant, std::string_view secret) {
  std::string message = "konfid-token-v1";
  message += '\0';
  message += tenant;
  message += '\0';
  message += secret;
  return crypto.Hash(AsBytes(message));
}

std::string PendingText(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    std::string clean = v;
    for (char& c : clean)
      if (c == '\n' || c == '\r') c = ' ';
    out += k + "=" + clean + "\n";
  }
  return out;
}

std::map<std::string, std::string> ParsePending(std::string_view text) {
  std::map<std::string, std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (size_t eq = line.find('='); eq != std::string_view::npos)
      out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < s.size();) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

bool UsableToken(const std::optional<ports::TokenRow>& row, std::string_view kind, UnixMicros now) {
  return row && row->used_at == 0 && now < row->expires_at && row->kind == kind;
}

}  // namespace konfid::app::internal
