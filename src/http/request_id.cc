#include "http/request_id.h"

#include <random>

namespace konfid::http {

std::string RequestIdOf(std::string_view incoming) {
  bool ok = !incoming.empty() && incoming.size() <= 64;
  for (char c : incoming)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-' || c == ':');
  if (ok) return std::string(incoming);
  // Ids need to be unique, not secret: a per-thread generator seeded once is enough.
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = random();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 15];
    bits >>= 4;
  }
  return id;
}

}  // namespace konfid::http
