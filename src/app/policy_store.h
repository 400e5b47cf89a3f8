// The published versions of each tenant's policy, and the one in force.
//
// A version is the policy file itself, every text generated from it (text/policy_text.h)
// and the changes against the version before (domain/policy_diff.h). The version in force is
// the newest whose effective time has come; the service enforces it and serves its texts.
// When a tenant has no version yet, the first start publishes the configured file as
// version 1. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/admin_log.h"
#include "domain/policy.h"
#include "ports/clock.h"
#include "ports/config.h"
#include "ports/crypto.h"
#include "ports/storage.h"

namespace konfid::app {

// Published versions, oldest first: (number, policy).
using PolicyHistory = std::vector<std::pair<int64_t, std::shared_ptr<const domain::TenantPolicy>>>;

struct ActivePolicy {
  std::shared_ptr<const domain::TenantPolicy> policy;
  int64_t version = 0;  // 0: not published (only in tools that read a file)
  // Per purpose, the version its consent must date from (domain::ConsentEpochs).
  std::map<std::string, int64_t> consent_epochs;
  // Every version up to the one in force; empty for FixedPolicies.
  PolicyHistory history;
};

// The consent epochs as they stood under `version` (domain::ConsentEpochs of the versions up
// to it).
std::map<std::string, int64_t> EpochsUpTo(const PolicyHistory& history, int64_t version);

// Where the use cases find the policy in force for a tenant.
class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // The version in force; nullptr for a tenant that is not configured. Thread-safe.
  virtual std::shared_ptr<const ActivePolicy> Current(std::string_view tenant) const = 0;
  // Its policy alone; nullptr for a tenant that is not configured.
  std::shared_ptr<const domain::TenantPolicy> Policy(std::string_view tenant) const {
    auto active = Current(tenant);
    return active ? active->policy : nullptr;
  }
};

// Policies fixed at construction, unpublished (version 0): for tools and tests that read
// policy files directly.
class FixedPolicies : public PolicySource {
 public:
  explicit FixedPolicies(const std::vector<domain::TenantPolicy>& policies);
  std::shared_ptr<const ActivePolicy> Current(std::string_view tenant) const override;

 private:
  std::map<std::string, std::shared_ptr<const ActivePolicy>, std::less<>> policies_;
};

// Publishes `policy` as the tenant's next version, taking effect at `effective_at` (not
// before `now`, nor before the version it follows). InvalidArgument for a policy that fails
// its checks or an effective time in the past, and (reason notice_too_short) for a material
// change that takes effect sooner than the `[publication] notice_days` the version it follows
// promised, unless `short_notice` says the operator means it; Conflict when it declares the
// same policy as the latest version, or when another publisher got the number first.
// With `log`, the version's policy_published event (by `actor`) commits with it.
Result<ports::PolicyVersionRow> PublishPolicy(ports::Storage& storage, ports::Crypto& crypto,
                                              const ports::PolicyReader& reader,
                                              const domain::TenantPolicy& policy, UnixMicros now,
                                              UnixMicros effective_at, bool short_notice = false,
                                              const AdminLog* log = nullptr,
                                              const std::string& actor = "");

class PolicyStore : public PolicySource {
 public:
  PolicyStore(ports::Storage& storage, ports::Crypto& crypto, ports::Clock& clock,
              const ports::PolicyReader& reader);
  ~PolicyStore();

  // For each configured tenant: publishes its file as version 1 when none exists, then loads
  // the version in force. Returns a note for each tenant whose file differs from the
  // version in force (the file is then only a draft: publish it to apply it).
  Result<std::vector<std::string>> Start(const std::vector<domain::TenantPolicy>& configured);

  // The version in force; nullptr for a tenant that is not configured.
  std::shared_ptr<const ActivePolicy> Current(std::string_view tenant) const override;
  std::vector<std::string> Tenants() const;

  // Re-reads the versions: one whose effective time has come by `now`, or one another
  // process published, comes into force. Returns the tenants whose version in force changed.
  Result<size_t> Refresh(UnixMicros now);

  // `actor` is audited when an admin log is set.
  Result<ports::PolicyVersionRow> Publish(const domain::TenantPolicy& policy,
                                          UnixMicros effective_at, bool short_notice = false,
                                          const std::string& actor = "");
  // Where publishing records its admin events (version 1 at Start too); none by default.
  void SetAdminLog(const AdminLog* log) { log_ = log; }

  // Every published version up to `version`, in force or not, read from storage.
  Result<PolicyHistory> History(const std::string& tenant, int64_t version) const;

 private:
  Result<std::shared_ptr<const ActivePolicy>> Load(const std::string& tenant, UnixMicros now);
  Result<PolicyHistory> ReadHistory(ports::Transaction& txn, const std::string& tenant,
                                    const std::vector<ports::PolicyVersionRow>& versions,
                                    int64_t up_to) const;

  ports::Storage& storage_;
  ports::Crypto& crypto_;
  ports::Clock& clock_;
  const ports::PolicyReader& reader_;
  const AdminLog* log_ = nullptr;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ActivePolicy>, std::less<>> current_;
};

}  // namespace konfid::app
