// The consent ledger's rules: append-only events per subject and purpose, and the state
// derived from them. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/policy.h"

namespace konfid::domain {

enum class ConsentKind { kGiven, kWithdrawn, kExpired, kRenewed, kRefused };
std::string_view ConsentKindName(ConsentKind kind);  // "given", "withdrawn", ...
std::optional<ConsentKind> ParseConsentKind(std::string_view name);

// How a consent event arrived: form, cabinet, api, unsubscribe_link, gpc.
bool IsConsentMethod(std::string_view method);

struct ConsentEvent {
  std::string id;  // 32 hex, ordered by time
  std::string purpose;
  ConsentKind kind = ConsentKind::kGiven;
  int64_t policy_version = 0;
  std::string text_hash;  // hex SHA-256 of the consent text shown
  std::string method;
  std::string source;  // form id or page
  UnixMicros time = 0;
  std::string ip;          // truncated (TruncateIp)
  std::string user_agent;  // at most 256 bytes
};

struct ConsentState {
  std::string purpose;
  std::optional<ConsentKind> last;  // nullopt: never asked
  UnixMicros since = 0;             // time of the last event
  int64_t policy_version = 0;       // of the last given or renewed event
  UnixMicros expires_at = 0;        // given + the purpose's retention; 0 when not given
  bool live = false;                // given or renewed, not withdrawn, not expired
};

// The state of each consent-based purpose of `policy` for one subject, from its events in
// time order. A consent expires when the purpose's retention has passed since it was given
// or renewed.
std::map<std::string, ConsentState> DeriveConsents(const std::vector<ConsentEvent>& events,
                                                   const TenantPolicy& policy, UnixMicros now);

// An IPv4 address cut to its /24, an IPv6 address to its /48; nullopt when `ip` is not an
// address. The full address is never stored.
std::optional<std::string> TruncateIp(std::string_view ip);

}  // namespace konfid::domain
