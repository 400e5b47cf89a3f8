#include "app/access_reply.h"

#include <algorithm>
#include <memory>

#include "app/checks.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

std::vector<const domain::Purpose*> PurposesHeld(const AccessReply& reply) {
  std::vector<const domain::Purpose*> out;
  if (!reply.policy) return out;
  for (const domain::Purpose& p : reply.policy->purposes) {
    bool uses = std::any_of(p.fields.begin(), p.fields.end(),
                            [&](const std::string& f) { return reply.data.count(f) > 0; });
    if (uses || reply.consents.count(p.id)) out.push_back(&p);
  }
  return out;
}

Result<AccessReply> AccessReplies::BuildIn(ports::Transaction& txn, AuditWriter& audit,
                                           const Actor& who, const ActivePolicy& active,
                                           const ports::SubjectRow& row, UnixMicros now) const {
  AccessReply reply;
  reply.tenant = row.tenant;
  reply.subject = row.id;
  reply.generated_at = now;
  reply.policy_version = active.version;
  reply.policy = active.policy;
  KONFID_ASSIGN_OR_RETURN(reply.data, k_.OpenFields(row));
  reply.blocked = row.blocked;
  reply.created_at = row.created_at;
  reply.updated_at = row.updated_at;
  reply.email_verified_at = row.email_verified_at;
  KONFID_ASSIGN_OR_RETURN(auto events, txn.ListConsentEvents(row.tenant, row.id));
  for (auto& e : events) reply.consent_events.push_back(std::move(e.event));
  reply.consents =
      domain::DeriveConsents(reply.consent_events, *active.policy, now, active.consent_epochs);
  KONFID_ASSIGN_OR_RETURN(reply.requests, requests_.ForSubject(txn, active, row, now));
  KONFID_ASSIGN_OR_RETURN(reply.disclosures, disclosures_.OfSubject(txn, row.tenant, row.id, &row));
  KONFID_TRY(audit.Append(MakeEvent(who, Operation::kExtract, row.id, internal::Keys(reply.data),
                                    Outcome::kOk, "access_reply")));
  return reply;
}

Status AccessReplies::CheckAccessRequested(ports::Transaction& txn, const std::string& tenant,
                                           const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(auto requests, txn.ListSubjectRequests(tenant, subject));
  std::string_view access = domain::RequestKindName(domain::RequestKind::kAccess);
  for (const auto& r : requests)
    if (r.open && r.kind == access) return Ok();
  return Fail(Error(ErrorCode::kConflict,
                    "this subject has no open access request: file the one received "
                    "(POST /v1/requests, kind access) and answer it with this reply")
                  .WithReason("no_access_request"));
}

void AccessReplies::ForStaff(const Actor& actor, const std::string& subject,
                             Callback<AccessReply> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, Kernel::IsValidId(subject) ? subject : "", {},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kRequestsManage); !st) return refuse(st.error());
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!Kernel::IsValidId(subject)) return refuse(internal::NoSubject());
  auto out = std::make_shared<AccessReply>();
  Actor who = actor;
  k_.committer().Submit(
      [this, who, subject, active, out, now = k_.clock().Now()](ports::Transaction& txn,
                                                                AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(internal::NoSubject());
        KONFID_TRY(CheckAccessRequested(txn, who.tenant, subject));
        KONFID_ASSIGN_OR_RETURN(*out, BuildIn(txn, audit, who, *active, *row, now));
        return Ok();
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {}, internal::OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

}  // namespace konfid::app
