#include "app/checks.h"

#include <algorithm>

#include "app/blocks.h"
#include "core/encoding.h"
#include "domain/blocking.h"
#include "domain/sealed_fields.h"

namespace konfid::app::internal {

using domain::Operation;
using domain::Outcome;

std::vector<std::string> FieldNames(const domain::FieldInput& input) {
  std::vector<std::string> out;
  for (const auto& [name, value] : input) out.push_back(name);
  return out;
}

Error Duplicate(const std::string& field) {
  return Error(ErrorCode::kConflict, "another subject already has this " + field)
      .WithReason("duplicate_" + field);
}

Status CheckFieldsHavePurpose(const domain::TenantPolicy& policy, const domain::FieldInput& input) {
  for (const auto& [name, value] : input)
    if (policy.catalogue.Find(name) && !policy.FieldHasPurpose(name))
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "field '" + name + "' is used by no purpose of the policy in force")
                      .WithReason("field_without_purpose"));
  return Ok();
}

Result<const domain::Purpose*> ReadPurpose(const domain::TenantPolicy& policy,
                                           const std::string& purpose) {
  if (purpose.empty())
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "a read names its purpose: add ?purpose=<id> from the tenant's policy")
                    .WithReason("purpose_required"));
  const domain::Purpose* p = policy.FindPurpose(purpose);
  if (!p)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "the policy in force declares no purpose '" + purpose + "'")
                    .WithReason("unknown_purpose"));
  return p;
}

Outcome OutcomeOf(const Error& e) {
  return e.code() == ErrorCode::kPermissionDenied || e.code() == ErrorCode::kConsentRequired ||
                 e.reason() == "email_unconfirmed" || e.reason() == "blocked"
             ? Outcome::kDenied
             : Outcome::kFailed;
}

const domain::FieldSpec* EmailSpec(const domain::TenantPolicy& policy) {
  const domain::FieldSpec* out = nullptr;
  for (const auto& f : policy.catalogue.fields())
    if (f.type == domain::FieldType::kEmail && f.lookup) out = &f;
  return out;
}

Error EmailUnconfirmed() {
  return Error(ErrorCode::kConflict,
               "this subject's email address is not confirmed by its owner (never, or not since "
               "it changed): marketing mail goes only to a confirmed address")
      .WithReason("email_unconfirmed");
}

Result<std::string> TextLang(ports::Transaction& txn, ports::Crypto& crypto,
                             const std::string& tenant, const domain::ConsentEvent& event) {
  if (event.text_hash.empty()) return std::string("ru");
  KONFID_ASSIGN_OR_RETURN(auto english, txn.FindPolicyText(tenant, event.policy_version,
                                                           "consent/" + event.purpose, "en", "md"));
  bool en = english && HexEncode(crypto.Sha256(AsBytes(*english))) == event.text_hash;
  return std::string(en ? "en" : "ru");
}

Result<std::vector<domain::ConsentEvent>> PurposeEvents(ports::Transaction& txn,
                                                        const std::string& tenant,
                                                        const std::string& subject,
                                                        const std::string& purpose) {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(tenant, subject));
  std::vector<domain::ConsentEvent> events;
  for (auto& r : rows)
    if (r.event.purpose == purpose) events.push_back(std::move(r.event));
  return events;
}

// A purpose that rests on consent needs this subject's consent to be live now; the other
// grounds (contract, legal obligation, legitimate interest) come from the policy itself.
Status CheckGround(ports::Transaction& txn, const ActivePolicy& active,
                   const domain::Purpose& purpose, const std::string& tenant,
                   const std::string& subject, UnixMicros now) {
  if (purpose.ground != "consent") return Ok();
  KONFID_ASSIGN_OR_RETURN(auto events, PurposeEvents(txn, tenant, subject, purpose.id));
  auto states = domain::DeriveConsents(events, *active.policy, now, active.consent_epochs);
  auto it = states.find(purpose.id);
  if (it != states.end() && it->second.live) return Ok();
  bool renewal = it != states.end() && it->second.renewal_needed;
  return Fail(Error(ErrorCode::kConsentRequired,
                    renewal ? "purpose '" + purpose.id +
                                  "' changed materially since this subject consented; it needs "
                                  "fresh consent"
                            : "this subject has no live consent to purpose '" + purpose.id + "'")
                  .WithReason("consent_required"));
}

Status CheckNotBlocked(const ports::SubjectRow& row, const std::vector<std::string>& fields) {
  if (row.blocked.empty()) return Ok();
  if (auto field = domain::FirstBlocked(domain::ParseBlockHolds(row.blocked).Effective(), fields))
    return Fail(BlockedError(*field));
  return Ok();
}

Status CheckPurposeOpen(const ports::SubjectRow& row, const domain::Purpose& purpose,
                        const Actor& actor) {
  if (row.blocked.empty()) return Ok();
  domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
  if (holds.stopped.contains(purpose.id))
    return Fail(Error(ErrorCode::kPermissionDenied, "the subject objected to purpose '" +
                                                        purpose.id +
                                                        "' and its processing for them has stopped")
                    .WithReason("processing_stopped"));
  if (holds.kept.empty()) return Ok();
  if (!holds.kept.contains(purpose.id))
    return Fail(Error(ErrorCode::kPermissionDenied,
                      "this subject was erased: what is left is kept for a legal obligation "
                      "alone, and may be read only for its purpose")
                    .WithReason("kept_for_obligation"));
  return Kernel::Permit(actor, Permission::kSubjectsReadKept);
}

bool Erased(const ports::SubjectRow& row) {
  return !row.blocked.empty() && !domain::ParseBlockHolds(row.blocked).kept.empty();
}

Error ErasedError() {
  return Error(ErrorCode::kConflict,
               "this subject was erased: what is left is kept for a legal obligation and is not "
               "changed or used otherwise")
      .WithReason("erased");
}

Error NoSubject() { return Error(ErrorCode::kNotFound, "no such subject").WithReason("not_found"); }

// Sorted, as PackSealedFields writes them.
Result<std::vector<std::string>> SealedFieldNames(const Bytes& blob) {
  KONFID_ASSIGN_OR_RETURN(auto sealed, domain::ViewSealedFields(blob));
  std::vector<std::string> names;
  names.reserve(sealed.size());
  for (const auto& f : sealed) names.emplace_back(f.name);
  return names;
}

domain::AuditEvent ConsentAudit(const Actor& who, Operation op, const std::string& subject,
                                const std::string& purpose, Outcome outcome, std::string reason) {
  domain::AuditEvent e = MakeEvent(who, op, subject, {}, outcome, std::move(reason));
  e.purpose = purpose;
  e.ground = "consent";
  return e;
}

Result<domain::RetentionFacts> RowFacts(ports::Transaction& txn, const ports::SubjectRow& row) {
  domain::RetentionFacts facts;
  facts.collected_at = std::max(row.created_at, row.updated_at);
  KONFID_ASSIGN_OR_RETURN(auto ends, txn.ListContractEnds(row.tenant, row.id));
  facts.contract_ends.insert(ends.begin(), ends.end());
  if (!row.blocked.empty()) {
    domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
    facts.stopped = std::move(holds.stopped);
    facts.kept = std::move(holds.kept);
  }
  return facts;
}

Result<bool> DeleteSubjectRows(ports::Transaction& txn, const std::string& tenant,
                               const std::string& subject) {
  KONFID_TRY(txn.DeleteIndex(tenant, subject, ""));
  KONFID_ASSIGN_OR_RETURN(auto ends, txn.ListContractEnds(tenant, subject));
  for (const auto& [purpose, at] : ends)
    KONFID_TRY(txn.SetContractEnd(tenant, subject, purpose, 0));
  KONFID_TRY(txn.DeleteSubjectHolds(tenant, subject));
  return txn.DeleteSubject(tenant, subject);
}

}  // namespace konfid::app::internal
