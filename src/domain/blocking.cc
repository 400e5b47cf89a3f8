#include "domain/blocking.h"

namespace konfid::domain {

Blocked ParseBlocked(std::string_view text) {
  Blocked out;
  if (text == "*") {
    out.all = true;
    return out;
  }
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    if (!name.empty()) out.fields.emplace(name);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string FormatBlocked(const Blocked& blocked) {
  if (blocked.all) return "*";
  std::string out;
  for (const auto& f : blocked.fields) {
    if (!out.empty()) out += ',';
    out += f;
  }
  return out;
}

std::optional<std::string> FirstBlocked(const Blocked& blocked,
                                        const std::vector<std::string>& fields) {
  if (blocked.all) return fields.empty() ? std::string("*") : fields.front();
  for (const auto& f : fields)
    if (blocked.fields.count(f)) return f;
  return std::nullopt;
}

}  // namespace konfid::domain
