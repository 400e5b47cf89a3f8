#include "domain/consent.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace konfid::domain {

std::string_view ConsentKindName(ConsentKind kind) {
  switch (kind) {
    case ConsentKind::kGiven:
      return "given";
    case ConsentKind::kWithdrawn:
      return "withdrawn";
    case ConsentKind::kExpired:
      return "expired";
    case ConsentKind::kRenewed:
      return "renewed";
    case ConsentKind::kRefused:
      return "refused";
  }
  return "given";
}

std::optional<ConsentKind> ParseConsentKind(std::string_view name) {
  for (ConsentKind k : {ConsentKind::kGiven, ConsentKind::kWithdrawn, ConsentKind::kExpired,
                        ConsentKind::kRenewed, ConsentKind::kRefused})
    if (ConsentKindName(k) == name) return k;
  return std::nullopt;
}

bool IsConsentMethod(std::string_view m) {
  return m == "form" || m == "cabinet" || m == "api" || m == "unsubscribe_link" || m == "gpc";
}

std::map<std::string, int64_t> ConsentEpochs(
    const std::vector<std::pair<int64_t, const TenantPolicy*>>& versions) {
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i < versions.size(); ++i) {
    const auto& [number, after] = versions[i];
    if (i == 0) {
      for (const auto& p : after->purposes) out[p.id] = number;
      continue;
    }
    const TenantPolicy* before = versions[i - 1].second;
    for (const auto& change : DiffPolicies(*before, *after)) {
      if (!change.material) continue;
      auto quoted = [](const std::string& element, const char* noun) -> std::string {
        std::string prefix = std::string(noun) + " '";
        if (!element.starts_with(prefix) || element.back() != '\'') return "";
        return element.substr(prefix.size(), element.size() - prefix.size() - 1);
      };
      if (std::string id = quoted(change.element, "purpose"); !id.empty()) out[id] = number;
      // A new or wider recipient widens the disclosure of every purpose it serves.
      if (std::string id = quoted(change.element, "recipient"); !id.empty())
        for (const auto& r : after->recipients)
          if (r.id == id)
            for (const auto& p : r.purposes) out[p] = number;
    }
  }
  return out;
}

std::map<std::string, ConsentState> DeriveConsents(const std::vector<ConsentEvent>& events,
                                                   const TenantPolicy& policy, UnixMicros now,
                                                   const std::map<std::string, int64_t>& epochs) {
  std::map<std::string, ConsentState> out;
  for (const auto& p : policy.purposes)
    if (p.ground == "consent") out[p.id].purpose = p.id;
  for (const auto& e : events) {
    auto it = out.find(e.purpose);
    if (it == out.end()) continue;  // a purpose the policy in force no longer has
    ConsentState& s = it->second;
    s.last = e.kind;
    s.since = e.time;
    if (e.kind == ConsentKind::kGiven || e.kind == ConsentKind::kRenewed) {
      s.policy_version = e.policy_version;
      const Purpose* p = policy.FindPurpose(e.purpose);
      s.expires_at = p && p->retention ? AddRetention(e.time, *p->retention) : 0;
    } else {
      s.expires_at = 0;
    }
  }
  for (auto& [purpose, s] : out) {
    bool given = s.last == ConsentKind::kGiven || s.last == ConsentKind::kRenewed;
    if (auto epoch = epochs.find(purpose);
        given && epoch != epochs.end() && s.policy_version < epoch->second) {
      s.renewal_needed = true;
      given = false;
    }
    if (given && s.expires_at != 0 && now >= s.expires_at) {
      s.last = ConsentKind::kExpired;
      s.since = s.expires_at;
      given = false;
    }
    s.live = given;
  }
  return out;
}

std::vector<std::string> OutdatedPurposes(const TenantPolicy& before, const TenantPolicy& after,
                                          const std::map<std::string, int64_t>& epochs_after,
                                          int64_t version) {
  std::vector<std::string> out;
  for (const auto& p : after.purposes) {
    const Purpose* old = before.FindPurpose(p.id);
    auto epoch = epochs_after.find(p.id);
    if (p.ground == "consent" && old && old->ground == "consent" && epoch != epochs_after.end() &&
        epoch->second == version)
      out.push_back(p.id);
  }
  return out;
}

std::vector<std::string> LostConsents(
    const std::vector<ConsentEvent>& events, const std::vector<std::string>& purposes,
    const TenantPolicy& before, const std::map<std::string, int64_t>& epochs_before,
    const TenantPolicy& after, const std::map<std::string, int64_t>& epochs_after, UnixMicros now) {
  auto was = DeriveConsents(events, before, now, epochs_before);
  auto is = DeriveConsents(events, after, now, epochs_after);
  std::vector<std::string> out;
  for (const auto& purpose : purposes) {
    auto w = was.find(purpose);
    auto i = is.find(purpose);
    if (w != was.end() && w->second.live && i != is.end() && i->second.renewal_needed)
      out.push_back(purpose);
  }
  return out;
}

std::optional<std::string> TruncateIp(std::string_view ip) {
  std::string s(ip);
  std::array<unsigned char, 16> buf{};
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf.data()) == 1) {
    buf[3] = 0;
    return std::string(inet_ntop(AF_INET, buf.data(), text, sizeof text)) + "/24";
  }
  if (inet_pton(AF_INET6, s.c_str(), buf.data()) == 1) {
    std::memset(buf.data() + 6, 0, 10);
    return std::string(inet_ntop(AF_INET6, buf.data(), text, sizeof text)) + "/48";
  }
  return std::nullopt;
}

}  // namespace konfid::domain
