// The policy's public face and its publishing: which tenant a request means, the published
// texts and versions, and publishing a new version (the /v1/policy routes). Each operation
// runs one short storage transaction of its own on the caller's thread: these are rare, and
// publishing goes through PolicyStore, which serializes it. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/kernel.h"
#include "app/policy_store.h"
#include "ports/clock.h"
#include "ports/config.h"
#include "ports/storage.h"

namespace konfid::app {

// A tenant a request names, with its version in force.
struct PolicyTenant {
  std::string id;
  std::shared_ptr<const ActivePolicy> active;  // never null
};

// A version with what its policy file holds.
struct PolicyVersionDetail {
  ports::PolicyVersionRow row;         // `source` included
  std::vector<std::string> documents;  // text::DocumentNames; empty if the source no longer parses
};

struct PublishedVersion {
  ports::PolicyVersionRow row;
  int64_t in_force = 0;  // the version in force once published (0: none)
};

class PolicyAdmin {
 public:
  // None owned; all outlive this.
  PolicyAdmin(PolicyStore& policies, ports::Storage& storage, const ports::PolicyReader& reader,
              ports::Clock& clock);

  // Which tenant: `named` (?tenant=, even empty), else the key's (`actor`, may be null), else the
  // only one this server serves. InvalidArgument (tenant_required) when that leaves none; NotFound
  // (tenant_not_configured) for a tenant not served here.
  Result<PolicyTenant> Resolve(const std::optional<std::string>& named, const Actor* actor) const;

  // A published text of `version`: NotFound (not_found) for an unknown version or document.
  Result<std::string> Text(const PolicyTenant& tenant, int64_t version, const std::string& document,
                           std::string_view lang, std::string_view format) const;
  // Every version, oldest first, without sources.
  Result<std::vector<ports::PolicyVersionRow>> Versions(const PolicyTenant& tenant) const;
  // One version and its documents: NotFound (not_found) when there is none.
  Result<PolicyVersionDetail> Version(const PolicyTenant& tenant, int64_t version) const;

  // Publishes `source` (a policy file) as the tenant's next version, taking effect at
  // `effective` (now when absent). PermissionDenied (role) for a role without
  // Permission::kPolicyPublish, (wrong_tenant) for a file of another tenant than the key's and
  // the one named; InvalidArgument (invalid_policy) for a file that does not read; otherwise
  // PolicyStore::Publish's errors. The admin log names `actor`.
  Result<PublishedVersion> Publish(const Actor& actor, const PolicyTenant& tenant,
                                   std::string_view source, std::optional<UnixMicros> effective,
                                   bool short_notice);

 private:
  PolicyStore& policies_;
  ports::Storage& storage_;
  const ports::PolicyReader& reader_;
  ports::Clock& clock_;
};

}  // namespace konfid::app
