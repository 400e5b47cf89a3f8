// VerifyAuditLog: the chains, and the checkpoints against them.
#include <map>

#include "app/checkpoints.h"

namespace konfid::app {

namespace {

struct Expected {
  Bytes hash;
  std::string where;
  bool seen = false;
};
using ExpectedEvents = std::map<std::string, std::multimap<uint64_t, Expected>>;

// Whether the tenant's stored public key belongs to its sealed secret key. The public key
// sits in the database unprotected; the secret key is sealed under the master key. Without
// this check an intruder could swap in a key of their own and sign checkpoints that verify.
bool PublicKeyMatches(ports::Crypto& crypto, const TenantKeys& keys) {
  constexpr std::string_view kProbe = "konfid-checkpoint-key-probe";
  return crypto.VerifySignature(keys.receipt_public_key, AsBytes(kProbe),
                                crypto.Sign(keys.receipt_key, AsBytes(kProbe)));
}

std::string Event(const std::string& tenant, uint64_t seq) {
  return "tenant " + tenant + ", event " + std::to_string(seq);
}

// Checks each checkpoint's signature; those that verify become the events to look for.
ExpectedEvents CheckSignatures(ports::Crypto& crypto, const Keyring& keyring,
                               const std::vector<CheckpointSource>& sources,
                               std::vector<CheckpointProblem>& problems) {
  ExpectedEvents expected;
  std::map<std::string, bool> key_ok;
  for (const auto& s : sources) {
    auto parsed = domain::ParseCheckpoint(s.line);
    if (!parsed) {
      problems.push_back({s.where, parsed.error().message()});
      continue;
    }
    const domain::AuditCheckpoint& c = parsed->checkpoint;
    auto keys = keyring.Tenant(c.tenant);
    if (!keys || (*keys)->receipt_public_key.empty()) {
      problems.push_back({s.where, Event(c.tenant, c.seq) +
                                       (keys ? ": the tenant has no signing key in the database"
                                             : ": the tenant is not in the database")});
      continue;
    }
    if (!key_ok.contains(c.tenant)) key_ok[c.tenant] = PublicKeyMatches(crypto, **keys);
    if (!key_ok[c.tenant]) {
      problems.push_back(
          {s.where, Event(c.tenant, c.seq) + ": the tenant's stored public key is not its own"});
      continue;
    }
    auto verified = VerifyCheckpoint(crypto, (*keys)->receipt_public_key, s.line);
    if (!verified) {
      problems.push_back({s.where, Event(c.tenant, c.seq) + ": " + verified.error().message()});
      continue;
    }
    expected[c.tenant].emplace(c.seq, Expected{c.hash, s.where});
  }
  return expected;
}

}  // namespace

Result<AuditLogReport> VerifyAuditLog(ports::Storage& storage, ports::Crypto& crypto,
                                      Keyring& keyring,
                                      const std::vector<CheckpointSource>& checkpoints) {
  KONFID_TRY(keyring.LoadAllTenants());
  AuditLogReport report;
  ExpectedEvents expected = CheckSignatures(crypto, keyring, checkpoints, report.problems);
  auto visit = [&](const domain::AuditEvent& e) {
    auto tenant = expected.find(e.tenant);
    if (tenant == expected.end()) return;
    auto [from, to] = tenant->second.equal_range(e.seq);
    for (auto it = from; it != to; ++it) {
      it->second.seen = true;
      if (it->second.hash == e.hash)
        ++report.checkpoints_held;
      else
        report.problems.push_back({it->second.where, Event(e.tenant, e.seq) +
                                                         ": the chain holds another event "
                                                         "there than the one checkpointed"});
    }
  };
  KONFID_ASSIGN_OR_RETURN(report.chains, VerifyAuditChains(storage, crypto, keyring, visit));
  std::map<std::string, uint64_t> events;
  for (const auto& chain : report.chains) events[chain.tenant] = chain.events;
  for (const auto& [tenant, wanted] : expected)
    for (const auto& [seq, e] : wanted)
      if (!e.seen)
        report.problems.push_back({e.where, Event(tenant, seq) + ": missing; the chain now has " +
                                                std::to_string(events[tenant]) +
                                                " events, so events were removed"});
  return report;
}

}  // namespace konfid::app
