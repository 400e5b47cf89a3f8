#include "app/subjects.h"

#include <algorithm>
#include <memory>

#include "app/checks.h"
#include "app/disclosures.h"
#include "app/holds.h"
#include "app/rekey.h"
#include "domain/blocking.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

// The stored fields the read may see, by name.
std::vector<std::string> Visible(const std::vector<std::string>& stored,
                                 const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  for (const auto& name : stored)
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) out.push_back(name);
  return out;
}

// A read by a recipient's key is a transfer to that recipient (app/disclosures.h).
domain::AuditEvent ReadEvent(const Actor& who, const std::string& subject,
                             std::vector<std::string> fields, const domain::Purpose* purpose,
                             const std::string& purpose_id, Outcome outcome,
                             std::string reason = {}) {
  bool transfer = !who.recipient.empty();
  if (transfer && reason.empty()) reason = "recipient:" + who.recipient;
  domain::AuditEvent e = MakeEvent(who, transfer ? Operation::kTransfer : Operation::kExtract,
                                   subject, std::move(fields), outcome, std::move(reason));
  e.purpose = purpose_id;
  if (purpose) e.ground = purpose->ground;
  return e;
}

}  // namespace

Result<SubjectView> Subjects::Open(const SealedSubject& subject) const {
  const ports::SubjectRow& row = subject.row;
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues fields, k_.OpenFields(row, &subject.fields));
  return SubjectView{row.id, std::move(fields), row.created_at, row.updated_at,
                     row.email_verified_at};
}

Result<Subjects::ReadScope> Subjects::CheckRead(const Actor& actor, const ActivePolicy* active,
                                                const std::string& purpose) {
  KONFID_TRY(Kernel::Permit(actor, Permission::kSubjectsRead));
  if (!active) return Fail(Error(ErrorCode::kNotFound, "tenant is not configured"));
  KONFID_ASSIGN_OR_RETURN(const domain::Purpose* pur, ReadPurpose(*active->policy, purpose));
  if (actor.role != Role::kProcessor) return ReadScope{pur, pur->fields};
  KONFID_ASSIGN_OR_RETURN(auto projection, RecipientProjection(actor, *active->policy, *pur));
  return ReadScope{pur, std::move(projection)};
}

void Subjects::RefuseRead(const Actor& actor, const std::string& subject,
                          std::vector<std::string> fields, const domain::Purpose* purpose,
                          const std::string& purpose_id, Error error,
                          Callback<SealedSubject> done) {
  auto event = std::make_shared<domain::AuditEvent>(
      ReadEvent(actor, subject, std::move(fields), purpose, purpose_id,
                error.code() == ErrorCode::kPermissionDenied ? Outcome::kDenied : Outcome::kFailed,
                ReasonOf(error)));
  k_.RefuseEvent(event, std::move(error), [done](Error err) { done(Fail(std::move(err))); });
}

Status Subjects::Admit(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                       const ActivePolicy& active, const domain::Purpose& purpose,
                       const std::vector<std::string>& allowed, UnixMicros now,
                       SealedSubject& out) {
  const std::string& id = out.row.id;
  KONFID_TRY(CheckGround(txn, active, purpose, who.tenant, id, now));
  KONFID_ASSIGN_OR_RETURN(auto names, SealedFieldNames(out.row.fields));
  out.fields = Visible(names, allowed);
  KONFID_TRY(CheckNotBlocked(out.row, out.fields));
  KONFID_TRY(CheckPurposeOpen(out.row, purpose, who));
  if (!who.recipient.empty())
    KONFID_TRY(Disclosures::RecordRead(k_, txn, who, purpose, id, out.fields, now));
  return audit.Append(ReadEvent(who, id, out.fields, &purpose, purpose.id, Outcome::kOk));
}

namespace {

// Inside Create's transaction: the subject's row and its blind-index hashes. Conflict
// (duplicate_<field>) when another subject has a lookup value.
Status InsertSubject(ports::Transaction& txn, const ports::SubjectRow& row,
                     const std::vector<std::pair<std::string, Bytes>>& index) {
  KONFID_TRY(txn.InsertSubject(row));
  for (const auto& [field, hash] : index) {
    auto st = txn.InsertIndex(row.tenant, field, hash, row.id);
    if (!st) return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field) : st.error());
  }
  return Ok();
}

// Of the values an update sets, those the policy says come from a third party and the subject
// did not hold (`sealed`, before the update): what the subject is told of.
std::vector<std::string> NewlyReceived(const domain::TenantPolicy& policy,
                                       const domain::FieldValues& values,
                                       const domain::SealedFields& sealed) {
  std::vector<std::string> out;
  for (const std::string& name : SourceNotices::Received(policy, Keys(values)))
    if (!sealed.count(name)) out.push_back(name);
  return out;
}

}  // namespace

void Subjects::Create(const Actor& actor, const domain::FieldInput& input,
                      Callback<SubjectView> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kCollect, "", FieldNames(input), std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsCreate); !st) return refuse(st.error());
  std::shared_ptr<const domain::TenantPolicy> policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto valid = domain::ValidateFields(policy->catalogue, input, domain::ValidationMode::kCreate);
  if (!valid) return refuse(valid.error());
  if (auto st = CheckFieldsHavePurpose(*policy, input); !st) return refuse(st.error());

  // Prepare outside the transaction: normalization, the new key, ciphertexts, index hashes.
  auto row = std::make_shared<ports::SubjectRow>();
  row->tenant = actor.tenant;
  row->created_at = row->updated_at = k_.clock().Now();
  row->id = k_.NewId(row->created_at);
  // Wrapped in the transaction, under the master key that is current when it commits (a
  // rotation may move it on while the request waits: GroupCommitter).
  auto key = std::make_shared<SecretBytes>(k_.crypto().NewKey());
  domain::SealedFields sealed;
  auto index = std::make_shared<std::vector<std::pair<std::string, Bytes>>>();
  for (auto& [name, value] : valid->set) {
    const domain::FieldSpec* spec = policy->catalogue.Find(name);
    auto normalized = k_.Normalize(*policy, *spec, value);
    if (!normalized) return refuse(normalized.error());
    value = std::move(*normalized);
    sealed.emplace(name,
                   k_.crypto().Seal(*key, AsBytes(value),
                                    domain::FieldAssociatedData(actor.tenant, row->id, name)));
    if (spec->lookup) {
      auto hash = k_.keyring().BlindIndex(actor.tenant, name, value);
      if (!hash) return refuse(hash.error());
      index->emplace_back(name, std::move(*hash));
    }
    SecureWipe(value.data(), value.size());
  }
  row->fields = domain::PackSealedFields(sealed);
  auto fields = std::make_shared<std::vector<std::string>>(Keys(valid->set));
  Actor who = actor;
  k_.committer().Submit(
      [this, row, key, index, fields, who, policy,
       received = SourceNotices::Received(*policy, *fields)](ports::Transaction& txn,
                                                             AuditWriter& audit) -> Status {
        row->wrapped_key = k_.keyring().WrapSubjectKey(*key, row->tenant, row->id);
        KONFID_TRY(InsertSubject(txn, *row, *index));
        KONFID_TRY(
            audit.Append(MakeEvent(who, Operation::kCollect, row->id, *fields, Outcome::kOk)));
        if (!received.empty())
          KONFID_TRY(sources_.Queue(txn, audit, who, *policy, *row, received, row->created_at));
        return Ok();
      },
      [fields, who](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kCollect, "", *fields, Outcome::kFailed, ReasonOf(e)));
      },
      [row, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(SubjectView{row->id, {}, row->created_at, row->updated_at});
      });
}

void Subjects::Get(const Actor& actor, const std::string& id, const std::string& purpose,
                   Callback<SealedSubject> done) {
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  const domain::Purpose* pur = nullptr;
  auto refuse = [&](Error e) {
    RefuseRead(actor, Kernel::IsValidId(id) ? id : "", {}, pur, purpose, std::move(e), done);
  };
  auto scope = CheckRead(actor, active.get(), purpose);
  if (!scope) return refuse(scope.error());
  pur = scope->purpose;
  if (!Kernel::IsValidId(id)) return refuse(NoSubject());
  auto out = std::make_shared<SealedSubject>();
  Actor who = actor;
  k_.committer().Submit(
      [this, out, who, id, active, pur, purpose, allowed = std::move(scope->fields),
       now = k_.clock().Now()](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubject(who.tenant, id));
        if (!found) return Fail(NoSubject());
        out->row = std::move(*found);
        return Admit(txn, audit, who, *active, *pur, allowed, now, *out);
      },
      [who, id, pur, purpose](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(ReadEvent(who, id, {}, pur, purpose, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      // A read writes nothing before its audit event, so it needs no savepoint; a recipient's
      // read records a disclosure first, and does.
      /*savepoint=*/!actor.recipient.empty());
}

void Subjects::Find(const Actor& actor, const std::string& field, const std::string& value,
                    const std::string& purpose, Callback<SealedSubject> done) {
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  const domain::Purpose* pur = nullptr;
  auto refuse = [&](Error e) { RefuseRead(actor, "", {field}, pur, purpose, std::move(e), done); };
  auto scope = CheckRead(actor, active.get(), purpose);
  if (!scope) return refuse(scope.error());
  pur = scope->purpose;
  const domain::TenantPolicy* policy = active->policy.get();
  const domain::FieldSpec* spec = policy->catalogue.Find(field);
  if (!spec || !spec->lookup)
    return refuse(Error(ErrorCode::kInvalidArgument, "'" + field + "' is not a lookup field")
                      .WithReason("not_lookup_field"));
  // A recipient may search only by a field it receives: a hit would tell it the value.
  if (std::find(scope->fields.begin(), scope->fields.end(), field) == scope->fields.end() &&
      !actor.recipient.empty())
    return refuse(Error(ErrorCode::kPermissionDenied,
                        "the policy does not give this key's recipient field '" + field + "'")
                      .WithReason("field_not_disclosed"));
  auto valid = domain::ValidateFieldValue(*spec, value);
  if (!valid) return refuse(valid.error());
  auto normalized = k_.Normalize(*policy, *spec, *valid);
  if (!normalized) return refuse(normalized.error());
  auto hash = k_.keyring().BlindIndex(actor.tenant, field, *normalized);
  SecureWipe(normalized->data(), normalized->size());
  if (!hash) return refuse(hash.error());
  auto out = std::make_shared<SealedSubject>();
  Actor who = actor;
  k_.committer().Submit(
      [this, out, who, field, active, pur, purpose, allowed = std::move(scope->fields),
       now = k_.clock().Now(),
       h = std::move(*hash)](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubjectByIndex(who.tenant, field, h));
        if (!found) return Fail(NoSubject());
        out->row = std::move(*found);
        return Admit(txn, audit, who, *active, *pur, allowed, now, *out);
      },
      [who, field, pur, purpose](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(ReadEvent(who, "", {field}, pur, purpose, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      // A read writes nothing before its audit event, so it needs no savepoint; a recipient's
      // read records a disclosure first, and does.
      /*savepoint=*/!actor.recipient.empty());
}

namespace {

// An update's fields checked against the catalogue and the policy in force, in the order
// their errors are reported; InvalidArgument (empty_update) when it changes nothing.
Result<domain::ValidatedInput> ValidateUpdate(const domain::TenantPolicy& policy,
                                              const domain::FieldInput& input) {
  KONFID_ASSIGN_OR_RETURN(
      auto valid, domain::ValidateFields(policy.catalogue, input, domain::ValidationMode::kUpdate));
  KONFID_TRY(CheckFieldsHavePurpose(policy, input));
  if (valid.set.empty() && valid.remove.empty())
    return Fail(
        Error(ErrorCode::kInvalidArgument, "no fields to update").WithReason("empty_update"));
  return valid;
}

// Inside an update's transaction: the removed fields out of the record and their
// blind-index hashes out of the index.
Status RemoveFields(ports::Transaction& txn, const domain::TenantPolicy& policy,
                    const std::string& tenant, const std::string& id,
                    const std::vector<std::string>& removed, domain::SealedFields& sealed) {
  for (const auto& name : removed) sealed.erase(name);
  for (const auto& name : removed)
    if (policy.catalogue.Find(name)->lookup) KONFID_TRY(txn.DeleteIndex(tenant, id, name));
  return Ok();
}

// Inside an update's transaction: whether it gives the subject a new email address (or
// removes it). A new address is not confirmed, whatever the old one was.
Result<bool> EmailChanged(ports::Transaction& txn, const domain::TenantPolicy& policy,
                          const std::string& tenant, const std::string& id,
                          const std::vector<std::string>& removed,
                          const std::map<std::string, Bytes>& index) {
  bool email_changed = false;
  for (const auto& name : removed)
    email_changed |= policy.catalogue.Find(name)->type == domain::FieldType::kEmail;
  for (const auto& [field, hash] : index)
    if (policy.catalogue.Find(field)->type == domain::FieldType::kEmail) {
      KONFID_ASSIGN_OR_RETURN(auto owner, txn.LookupIndex(tenant, field, hash));
      email_changed |= owner != id;
    }
  return email_changed;
}

// Inside an update's transaction: the subject's new blind-index hashes in place of its old.
Status ReplaceIndex(ports::Transaction& txn, const std::string& tenant, const std::string& id,
                    const std::map<std::string, Bytes>& index) {
  for (const auto& [field, hash] : index) {
    KONFID_TRY(txn.DeleteIndex(tenant, id, field));
    auto st = txn.InsertIndex(tenant, field, hash, id);
    if (!st) return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field) : st.error());
  }
  return Ok();
}

}  // namespace

void Subjects::Update(const Actor& actor, const std::string& id, const domain::FieldInput& input,
                      Callback<SubjectView> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kUpdate, Kernel::IsValidId(id) ? id : "", FieldNames(input),
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsUpdate); !st) return refuse(st.error());
  if (!Kernel::IsValidId(id)) return refuse(NoSubject());
  std::shared_ptr<const domain::TenantPolicy> policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto valid = ValidateUpdate(*policy, input);
  if (!valid) return refuse(valid.error());
  // Normalize and hash now; sealing needs the subject's key, which the transaction unwraps.
  auto values = std::make_shared<domain::FieldValues>();
  auto index = std::make_shared<std::map<std::string, Bytes>>();
  if (auto st = NormalizeUpdate(actor, *policy, valid->set, *values, *index); !st)
    return refuse(st.error());
  auto removed = std::make_shared<std::vector<std::string>>(valid->remove);
  auto fields = std::make_shared<std::vector<std::string>>(Keys(*values));
  fields->insert(fields->end(), removed->begin(), removed->end());
  auto view = std::make_shared<SubjectView>();
  Actor who = actor;
  UnixMicros now = k_.clock().Now();
  k_.committer().Submit(
      [this, values, index, removed, fields, view, who, id, now, policy](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, id));
        if (!row) return Fail(NoSubject());
        if (Erased(*row)) return Fail(ErasedError());
        KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(*row));
        KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed,
                                domain::UnpackSealedFields(row->fields));
        std::vector<std::string> received = NewlyReceived(*policy, *values, sealed);
        for (const auto& [name, value] : *values)
          sealed[name] = k_.crypto().Seal(key, AsBytes(value),
                                          domain::FieldAssociatedData(who.tenant, id, name));
        KONFID_TRY(RemoveFields(txn, *policy, who.tenant, id, *removed, sealed));
        KONFID_ASSIGN_OR_RETURN(bool email_changed,
                                EmailChanged(txn, *policy, who.tenant, id, *removed, *index));
        if (email_changed)
          KONFID_TRY(ReconfirmEmail(txn, audit, who, *policy, *row, key, *values, *index, now));
        KONFID_TRY(ReplaceIndex(txn, who.tenant, id, *index));
        KONFID_ASSIGN_OR_RETURN(uint32_t generation,
                                domain::SealedFieldsKeyGeneration(row->fields));
        KONFID_TRY(txn.UpdateSubjectFields(who.tenant, id,
                                           domain::PackSealedFields(sealed, generation), now));
        KONFID_TRY(notices_.Queue(txn, audit, *policy, who.tenant, id, DataChange::kCorrected,
                                  *fields, now));
        if (!received.empty()) {
          KONFID_ASSIGN_OR_RETURN(auto now_row, txn.FindSubject(who.tenant, id));
          if (now_row)
            KONFID_TRY(sources_.Queue(txn, audit, who, *policy, *now_row, received, now));
        }
        *view = SubjectView{id, {}, row->created_at, now};
        return audit.Append(MakeEvent(who, Operation::kUpdate, id, *fields, Outcome::kOk));
      },
      [who, id, fields](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kUpdate, id, *fields, Outcome::kFailed, ReasonOf(e)));
      },
      [values, view, done](Status st) {
        for (auto& [name, value] : *values) SecureWipe(value.data(), value.size());
        if (!st) return done(Fail(st.error()));
        done(std::move(*view));
      });
}

Status Subjects::NormalizeUpdate(const Actor& actor, const domain::TenantPolicy& policy,
                                 const domain::FieldValues& set, domain::FieldValues& values,
                                 std::map<std::string, Bytes>& index) {
  for (const auto& [name, value] : set) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    KONFID_ASSIGN_OR_RETURN(std::string normalized, k_.Normalize(policy, *spec, value));
    if (spec->lookup) {
      KONFID_ASSIGN_OR_RETURN(Bytes hash, k_.keyring().BlindIndex(actor.tenant, name, normalized));
      index.emplace(name, std::move(hash));
    }
    values.emplace(name, std::move(normalized));
  }
  return Ok();
}

void Subjects::Destroy(const Actor& actor, const std::string& id, Callback<void> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kDestroy, Kernel::IsValidId(id) ? id : "", {}, std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsDelete); !st) return refuse(st.error());
  if (!Kernel::IsValidId(id)) return refuse(NoSubject());
  Actor who = actor;
  std::shared_ptr<const domain::TenantPolicy> policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  k_.committer().Submit(
      [this, who, id, policy, now = k_.clock().Now()](ports::Transaction& txn,
                                                      AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, id));
        if (!row) return Fail(NoSubject());
        return EraseIn(k_, txn, audit, who, notices_, acts_, *policy, *row, "", now);
      },
      [who, id](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kDestroy, id, {}, Outcome::kFailed, ReasonOf(e)));
      },
      [done](Status st) { done(st); });
}

Result<std::vector<domain::FieldPlan>> Subjects::KeptAt(ports::Transaction& txn,
                                                        const domain::TenantPolicy& policy,
                                                        const ports::SubjectRow& row,
                                                        UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(std::vector<std::string> held, SealedFieldNames(row.fields));
  KONFID_ASSIGN_OR_RETURN(domain::RetentionFacts facts, RowFacts(txn, row));
  return domain::KeptAtErasure(policy, held, facts, now);
}

namespace {

// Inside EraseIn's transaction, when something is kept: destroys the values not in `kept`
// and every lookup hash, keeping the row's dates (a term still counts from collection), and
// marks the subject erased. Returns the fields destroyed.
Result<std::vector<std::string>> EraseAllBut(const Kernel& k, ports::Transaction& txn,
                                             AuditWriter& audit, const ports::SubjectRow& row,
                                             domain::SealedFields sealed,
                                             const std::vector<domain::FieldPlan>& kept) {
  std::vector<std::string> destroyed;
  domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
  for (auto it = sealed.begin(); it != sealed.end();) {
    auto plan = std::find_if(kept.begin(), kept.end(),
                             [&](const domain::FieldPlan& p) { return p.field == it->first; });
    if (plan != kept.end()) {
      holds.kept.insert(plan->purpose);
      ++it;
      continue;
    }
    destroyed.push_back(it->first);
    it = sealed.erase(it);
  }
  KONFID_TRY(txn.DeleteIndex(row.tenant, row.id, ""));
  if (!destroyed.empty()) KONFID_TRY(RekeyKeeping(txn, audit, k, row, sealed));
  if (row.email_verified_at != 0) KONFID_TRY(txn.SetEmailVerified(row.tenant, row.id, 0));
  KONFID_TRY(
      txn.SetSubjectBlocked(row.tenant, row.id, domain::FormatBlockHolds(holds), row.updated_at));
  return destroyed;
}

}  // namespace

Status Subjects::EraseIn(const Kernel& k, ports::Transaction& txn, AuditWriter& audit,
                         const Actor& who, const RecipientNotices& notices, DestructionActs& acts,
                         const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                         std::string reason, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto held, Holds::Live(txn, row.tenant, row.id, now));
  if (!held.empty()) return Fail(Holds::Refusal(held));
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row.fields));
  KONFID_ASSIGN_OR_RETURN(auto kept, KeptAt(txn, policy, row, now));
  // A copy restored from before a destruction: nothing of it can be read, so nothing is kept.
  if (!kept.empty()) {
    KONFID_ASSIGN_OR_RETURN(bool gone, KeyIsGone(k, row));
    if (gone) kept.clear();
  }
  AuditCapture extract(audit);
  domain::DestructionFacts facts{
      .subject = row.id, .actor = who.id, .actor_role = std::string(RoleName(who.role))};
  SetErasureReason(reason, facts);
  if (kept.empty()) {
    facts.destroyed = Keys(sealed);
    KONFID_TRY(DeleteSubjectRows(txn, row.tenant, row.id));
    KONFID_TRY(
        notices.Queue(txn, audit, policy, row.tenant, row.id, DataChange::kErased, {"*"}, now));
    KONFID_TRY(audit.Append(MakeEvent(who, Operation::kDestroy, row.id, facts.destroyed,
                                      Outcome::kOk, std::move(reason))));
  } else {
    facts.method = domain::DestructionMethod::kDeletion;
    KONFID_ASSIGN_OR_RETURN(facts.kept, acts.Kept(policy, kept));
    KONFID_ASSIGN_OR_RETURN(facts.destroyed,
                            EraseAllBut(k, txn, audit, row, std::move(sealed), kept));
    if (!facts.destroyed.empty())
      KONFID_TRY(notices.Queue(txn, audit, policy, row.tenant, row.id, DataChange::kErased,
                               facts.destroyed, now));
    for (const auto& plan : kept) {
      if (Erased(row)) break;  // erased before: its kept fields were audited then
      domain::AuditEvent e =
          MakeEvent(who, Operation::kBlock, row.id, {plan.field}, Outcome::kOk,
                    "kept:" + (reason.empty() ? std::string("erasure") : reason));
      e.purpose = plan.purpose;
      e.ground = "legal_obligation";
      KONFID_TRY(audit.Append(std::move(e)));
    }
    KONFID_TRY(audit.Append(MakeEvent(who, Operation::kDestroy, row.id, facts.destroyed,
                                      Outcome::kOk, std::move(reason))));
  }
  facts.audit = extract.Take();
  return acts.Record(txn, policy, std::move(facts));
}

Status Subjects::ReconfirmEmail(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                                const SecretBytes& key, const domain::FieldValues& values,
                                const std::map<std::string, Bytes>& index, UnixMicros now) {
  if (row.email_verified_at != 0) KONFID_TRY(txn.SetEmailVerified(who.tenant, row.id, 0));
  const domain::FieldSpec* spec = EmailSpec(policy);
  if (!spec) return Ok();
  auto email = values.find(spec->name);
  auto hash = index.find(spec->name);
  if (email == values.end() || hash == index.end()) return Ok();  // removed: nobody to ask
  KONFID_ASSIGN_OR_RETURN(std::string lang, mail_.SubjectLang(txn, who.tenant, row.id));
  KONFID_TRY(mail_.QueueConfirmation(txn, policy, who.tenant, row.id, key, email->second,
                                     hash->second, lang, "reconfirm", now));
  // The new address is used to ask its owner to confirm it.
  return audit.Append(
      MakeEvent(who, Operation::kUse, row.id, {spec->name}, Outcome::kOk, "email_confirmation"));
}

}  // namespace konfid::app
