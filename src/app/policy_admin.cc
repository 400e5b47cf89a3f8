#include "app/policy_admin.h"

#include "app/roles.h"
#include "text/policy_text.h"

namespace konfid::app {

namespace {

Error NotFound(std::string message) {
  return Error(ErrorCode::kNotFound, std::move(message)).WithReason("not_found");
}

}  // namespace

PolicyAdmin::PolicyAdmin(PolicyStore& policies, ports::Storage& storage,
                         const ports::PolicyReader& reader, ports::Clock& clock)
    : policies_(policies), storage_(storage), reader_(reader), clock_(clock) {}

Result<PolicyTenant> PolicyAdmin::Resolve(const std::optional<std::string>& named,
                                          const Actor* actor) const {
  std::string tenant = named ? *named : actor ? actor->tenant : "";
  if (tenant.empty()) {
    auto tenants = policies_.Tenants();
    if (tenants.size() != 1)
      return Fail(Error(ErrorCode::kInvalidArgument, "name the tenant: ?tenant=<id>")
                      .WithReason("tenant_required"));
    tenant = tenants[0];
  }
  auto active = policies_.Current(tenant);
  if (!active)
    return Fail(Error(ErrorCode::kNotFound, "no such tenant on this server")
                    .WithReason("tenant_not_configured"));
  return PolicyTenant{std::move(tenant), std::move(active)};
}

Result<std::string> PolicyAdmin::Text(const PolicyTenant& tenant, int64_t version,
                                      const std::string& document, std::string_view lang,
                                      std::string_view format) const {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto body, txn->FindPolicyText(tenant.id, version, document,
                                                         std::string(lang), std::string(format)));
  if (!body) return Fail(NotFound("no such version or document"));
  return std::move(*body);
}

Result<std::vector<ports::PolicyVersionRow>> PolicyAdmin::Versions(
    const PolicyTenant& tenant) const {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  return txn->ListPolicyVersions(tenant.id);
}

Result<PolicyVersionDetail> PolicyAdmin::Version(const PolicyTenant& tenant,
                                                 int64_t version) const {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindPolicyVersion(tenant.id, version));
  if (!row) return Fail(NotFound("no such version"));
  PolicyVersionDetail out{std::move(*row), {}};
  // A source that no longer reads (a newer build's checks) still shows; only its list of
  // documents is left empty.
  if (auto parsed = reader_.Read(out.row.source, "version " + std::to_string(version)))
    out.documents = text::DocumentNames(*parsed);
  return out;
}

Result<PublishedVersion> PolicyAdmin::Publish(const Actor& actor, const PolicyTenant& tenant,
                                              std::string_view source,
                                              std::optional<UnixMicros> effective,
                                              bool short_notice) {
  if (!RoleMay(actor.role, Permission::kPolicyPublish))
    return Fail(
        Error(ErrorCode::kPermissionDenied, std::string(RefusalMessage(Permission::kPolicyPublish)))
            .WithReason("role"));
  auto policy = reader_.Read(source, "policy");
  if (!policy)
    return Fail(
        Error(ErrorCode::kInvalidArgument, policy.error().message()).WithReason("invalid_policy"));
  if (policy->tenant != actor.tenant || policy->tenant != tenant.id)
    return Fail(Error(ErrorCode::kPermissionDenied, "the policy is for tenant '" + policy->tenant +
                                                        "'; this key belongs to '" + actor.tenant +
                                                        "'")
                    .WithReason("wrong_tenant"));
  KONFID_ASSIGN_OR_RETURN(auto row, policies_.Publish(*policy, effective.value_or(clock_.Now()),
                                                      short_notice, actor.id));
  auto now_active = policies_.Current(tenant.id);
  return PublishedVersion{std::move(row), now_active ? now_active->version : 0};
}

}  // namespace konfid::app
