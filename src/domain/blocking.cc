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

namespace {

constexpr std::string_view kStopped = "stopped";
constexpr std::string_view kKept = "kept";

void AppendPurposes(std::string& out, std::string_view name, const std::set<std::string>& ids) {
  if (ids.empty()) return;
  if (!out.empty()) out += ';';
  out += std::string(name) + "=" + FormatBlocked(Blocked{false, ids});
}

bool IsRequestId(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void MergeInto(Blocked& into, const Blocked& from) {
  into.all = into.all || from.all;
  into.fields.insert(from.fields.begin(), from.fields.end());
  if (into.all) into.fields.clear();
}

Blocked BlockHolds::Effective() const {
  Blocked out = staff;
  for (const auto& [id, held] : requests) MergeInto(out, held);
  return out;
}

BlockHolds ParseBlockHolds(std::string_view text) {
  BlockHolds out;
  while (!text.empty()) {
    size_t semi = text.find(';');
    std::string_view hold = text.substr(0, semi);
    size_t eq = hold.find('=');
    std::string_view id = eq == std::string_view::npos ? "" : hold.substr(0, eq);
    Blocked scope = ParseBlocked(eq == std::string_view::npos ? hold : hold.substr(eq + 1));
    if (id == kStopped && !scope.all)
      out.stopped.insert(scope.fields.begin(), scope.fields.end());
    else if (id == kKept && !scope.all)
      out.kept.insert(scope.fields.begin(), scope.fields.end());
    else if (!scope.empty())
      MergeInto(IsRequestId(id) ? out.requests[std::string(id)] : out.staff, scope);
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

std::string FormatBlockHolds(const BlockHolds& holds) {
  std::string out = FormatBlocked(holds.staff);
  for (const auto& [id, held] : holds.requests) {
    if (held.empty()) continue;
    if (!out.empty()) out += ';';
    out += id + "=" + FormatBlocked(held);
  }
  AppendPurposes(out, kStopped, holds.stopped);
  AppendPurposes(out, kKept, holds.kept);
  return out;
}

std::optional<std::string> FirstBlocked(const Blocked& blocked,
                                        const std::vector<std::string>& fields) {
  if (blocked.all) return fields.empty() ? std::string("*") : fields.front();
  for (const auto& f : fields)
    if (blocked.fields.count(f)) return f;
  return std::nullopt;
}

bool Disputed(const BlockHolds& holds, const std::string& field) {
  for (const auto& [request, blocked] : holds.requests)
    if (blocked.all || blocked.fields.count(field)) return true;
  return false;
}

}  // namespace konfid::domain
