// The consent ledger's rules: append-only events per subject and purpose, and the state
// derived from them. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/policy.h"
#include "domain/policy_diff.h"

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
  UnixMicros expires_at = 0;    // given + the purpose's retention (by the calendar); 0: not given
  bool renewal_needed = false;  // given under a version before the purpose was widened
  bool live = false;            // given or renewed, not withdrawn, not expired, not outdated
};

// For each purpose, the policy version from which its consent must date: the version that
// added it or last widened it (its fields, actions, term, channels, publication, or the
// recipients that serve it). `versions` are (number, policy), oldest first.
std::map<std::string, int64_t> ConsentEpochs(
    const std::vector<std::pair<int64_t, const TenantPolicy*>>& versions);

// The state of each consent-based purpose of `policy` for one subject, from its events in
// time order. A consent expires when the purpose's retention has passed since it was given
// or renewed.
// `epochs` (ConsentEpochs) makes a consent given under an earlier version than its purpose's
// epoch not live: a material change needs fresh consent.
std::map<std::string, ConsentState> DeriveConsents(
    const std::vector<ConsentEvent>& events, const TenantPolicy& policy, UnixMicros now,
    const std::map<std::string, int64_t>& epochs = {});

// The consent-based purposes whose consents a policy version outdates: they rest on consent
// both before and after it, and the version is their epoch (`epochs_after`, ConsentEpochs
// up to that version). A purpose the version adds is not among them: nobody consented to it.
std::vector<std::string> OutdatedPurposes(const TenantPolicy& before, const TenantPolicy& after,
                                          const std::map<std::string, int64_t>& epochs_after,
                                          int64_t version);

// Of `purposes`, those for which one subject's consent (its `events`) was live under the
// policy and epochs before the change and needs renewal after it: whom a notice concerns,
// and what about. A consent already given under the new version is not lost.
std::vector<std::string> LostConsents(
    const std::vector<ConsentEvent>& events, const std::vector<std::string>& purposes,
    const TenantPolicy& before, const std::map<std::string, int64_t>& epochs_before,
    const TenantPolicy& after, const std::map<std::string, int64_t>& epochs_after, UnixMicros now);

// An IPv4 address cut to its /24, an IPv6 address to its /48; nullopt when `ip` is not an
// address. The full address is never stored.
std::optional<std::string> TruncateIp(std::string_view ip);

}  // namespace konfid::domain
