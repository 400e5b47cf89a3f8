#include "app/vault.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "app/vault_internal.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

domain::AuditEvent MakeEvent(const Actor& actor, Operation op, const std::string& subject,
                             std::vector<std::string> fields, Outcome outcome, std::string reason) {
  domain::AuditEvent e;
  e.tenant = actor.tenant;
  e.actor = actor.id;
  e.operation = std::string(domain::OperationName(op));
  e.subject_id = subject;
  e.fields = std::move(fields);
  e.outcome = std::string(domain::OutcomeName(outcome));
  e.reason = std::move(reason);
  return e;
}

std::string ReasonOf(const Error& e) {
  return e.reason().empty() ? std::string(ErrorCodeName(e.code())) : e.reason();
}

namespace internal {

std::vector<std::string> FieldNames(const domain::FieldInput& input) {
  std::vector<std::string> out;
  for (const auto& [name, value] : input) out.push_back(name);
  return out;
}

Error Duplicate(const std::string& field) {
  return Error(ErrorCode::kConflict, "another subject already has this " + field)
      .WithReason("duplicate_" + field);
}

// A write may only touch fields some purpose of the policy in force declares.
Status CheckFieldsHavePurpose(const domain::TenantPolicy& policy, const domain::FieldInput& input) {
  for (const auto& [name, value] : input)
    if (policy.catalogue.Find(name) && !policy.FieldHasPurpose(name))
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "field '" + name + "' is used by no purpose of the policy in force")
                      .WithReason("field_without_purpose"));
  return Ok();
}

// The purpose a read names, from the policy in force.
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

// The stored fields the purpose may see, by name.
std::vector<std::string> Visible(const std::vector<std::string>& stored,
                                 const domain::Purpose& purpose) {
  std::vector<std::string> out;
  for (const auto& name : stored)
    if (std::find(purpose.fields.begin(), purpose.fields.end(), name) != purpose.fields.end())
      out.push_back(name);
  return out;
}

domain::AuditEvent ReadEvent(const Actor& who, const std::string& subject,
                             std::vector<std::string> fields, const domain::Purpose* purpose,
                             const std::string& purpose_id, Outcome outcome,
                             std::string reason = {});

Outcome OutcomeOf(const Error& e) {
  return e.code() == ErrorCode::kPermissionDenied || e.code() == ErrorCode::kConsentRequired ||
                 e.reason() == "email_unconfirmed"
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

// A purpose that rests on consent needs this subject's consent to be live now; the other
// grounds (contract, legal obligation, legitimate interest) come from the policy itself.
Status CheckGround(ports::Transaction& txn, const ActivePolicy& active,
                   const domain::Purpose& purpose, const std::string& tenant,
                   const std::string& subject, UnixMicros now) {
  if (purpose.ground != "consent") return Ok();
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(tenant, subject));
  std::vector<domain::ConsentEvent> events;
  for (auto& r : rows)
    if (r.event.purpose == purpose.id) events.push_back(std::move(r.event));
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

Error NoSubject() { return Error(ErrorCode::kNotFound, "no such subject").WithReason("not_found"); }

// The names of the fields a stored record holds, without decrypting anything; sorted, as
// PackSealedFields writes them.
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

}  // namespace internal

using namespace internal;

Vault::Vault(const PolicySource& policies, Keyring& keyring, GroupCommitter& committer,
             ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock)
    : policies_(policies),
      keyring_(keyring),
      committer_(committer),
      crypto_(crypto),
      phones_(phones),
      clock_(clock) {}

std::shared_ptr<const domain::TenantPolicy> Vault::Policy(const std::string& tenant) const {
  auto active = policies_.Current(tenant);
  return active ? active->policy : nullptr;
}

std::string Vault::NewSubjectId(UnixMicros now) {
  // 48 bits of milliseconds, then 80 random bits: ids sort by creation, so new rows go to the
  // right edge of the B-trees and a batch of creates dirties a few pages instead of one each.
  // Within one process the ids strictly increase: in the millisecond of the last id (or if
  // the clock stepped back) the next is the last plus one. The consent ledger is read in id
  // order, so a withdrawal right after a consent must sort after it.
  std::array<uint8_t, 16> raw;
  uint64_t ms = static_cast<uint64_t>(now / 1000);
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  crypto_.RandomBytes(std::span<uint8_t>(raw).subspan(6));
  std::lock_guard lock(id_mu_);
  if (std::memcmp(raw.data(), last_id_.data(), 6) <= 0) {
    raw = last_id_;
    for (int i = 15; i >= 0 && ++raw[i] == 0; --i) {
    }
  }
  last_id_ = raw;
  return HexEncode(raw);
}

bool Vault::IsValidSubjectId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace internal {
domain::AuditEvent ReadEvent(const Actor& who, const std::string& subject,
                             std::vector<std::string> fields, const domain::Purpose* purpose,
                             const std::string& purpose_id, Outcome outcome, std::string reason) {
  domain::AuditEvent e =
      MakeEvent(who, Operation::kExtract, subject, std::move(fields), outcome, std::move(reason));
  e.purpose = purpose_id;
  if (purpose) e.ground = purpose->ground;
  return e;
}
}  // namespace internal

void Vault::RefuseEvent(std::shared_ptr<domain::AuditEvent> event, Error error,
                        std::function<void(Error)> done) {
  auto err = std::make_shared<Error>(std::move(error));
  committer_.Submit(
      [event](ports::Transaction&, AuditWriter& audit) { return audit.Append(*event); }, nullptr,
      [err, done = std::move(done)](Status st) { done(st ? *err : st.error()); });
}

void Vault::Refuse(const Actor& actor, Operation op, const std::string& subject,
                   std::vector<std::string> fields, Error error, std::function<void(Error)> done) {
  Outcome outcome =
      error.code() == ErrorCode::kPermissionDenied ? Outcome::kDenied : Outcome::kFailed;
  auto event = std::make_shared<domain::AuditEvent>(
      MakeEvent(actor, op, subject, std::move(fields), outcome, ReasonOf(error)));
  auto err = std::make_shared<Error>(std::move(error));
  committer_.Submit(
      [event](ports::Transaction&, AuditWriter& audit) { return audit.Append(*event); }, nullptr,
      [err, done = std::move(done)](Status st) { done(st ? *err : st.error()); });
}

Result<std::string> Vault::Normalize(const domain::TenantPolicy& policy,
                                     const domain::FieldSpec& spec, const std::string& value) {
  if (spec.type != domain::FieldType::kPhone) return value;
  auto e164 = phones_.ToE164(value, policy.default_region);
  if (!e164)
    return Fail(
        Error(ErrorCode::kInvalidArgument, "field '" + spec.name + "' is not a valid phone number")
            .WithReason("invalid_phone"));
  return e164;
}

Result<domain::FieldValues> Vault::DecryptAll(const ports::SubjectRow& row,
                                              const std::vector<std::string>* only) {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key,
                          keyring_.UnwrapSubjectKey(row.wrapped_key, row.tenant, row.id));
  KONFID_ASSIGN_OR_RETURN(auto sealed, domain::ViewSealedFields(row.fields));
  domain::FieldValues out;
  for (const auto& [name, ct] : sealed) {
    if (only && std::find(only->begin(), only->end(), name) == only->end()) continue;
    KONFID_ASSIGN_OR_RETURN(
        std::string value,
        crypto_.Open(key, ct, domain::FieldAssociatedData(row.tenant, row.id, name)));
    out.emplace(std::string(name), std::move(value));
  }
  return out;
}

Result<SubjectView> Vault::View(const ports::SubjectRow& row,
                                const std::vector<std::string>* only) {
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues fields, DecryptAll(row, only));
  return SubjectView{row.id, std::move(fields), row.created_at, row.updated_at,
                     row.email_verified_at};
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

}  // namespace

void Vault::Create(const Actor& actor, const domain::FieldInput& input,
                   Callback<SubjectView> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kCollect, "", FieldNames(input), std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  if (!RoleAllows(actor.role, Operation::kCollect))
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not create subjects")
                      .WithReason("role"));
  std::shared_ptr<const domain::TenantPolicy> policy = Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto valid = domain::ValidateFields(policy->catalogue, input, domain::ValidationMode::kCreate);
  if (!valid) return refuse(valid.error());
  if (auto st = CheckFieldsHavePurpose(*policy, input); !st) return refuse(st.error());

  // Prepare outside the transaction: normalization, the new key, ciphertexts, index hashes.
  auto row = std::make_shared<ports::SubjectRow>();
  row->tenant = actor.tenant;
  row->created_at = row->updated_at = clock_.Now();
  row->id = NewSubjectId(row->created_at);
  // Wrapped in the transaction, under the master key that is current when it commits (a
  // rotation may move it on while the request waits: GroupCommitter).
  auto key = std::make_shared<SecretBytes>(crypto_.NewKey());
  domain::SealedFields sealed;
  auto index = std::make_shared<std::vector<std::pair<std::string, Bytes>>>();
  for (auto& [name, value] : valid->set) {
    const domain::FieldSpec* spec = policy->catalogue.Find(name);
    auto normalized = Normalize(*policy, *spec, value);
    if (!normalized) return refuse(normalized.error());
    value = std::move(*normalized);
    sealed.emplace(name, crypto_.Seal(*key, AsBytes(value),
                                      domain::FieldAssociatedData(actor.tenant, row->id, name)));
    if (spec->lookup) {
      auto hash = keyring_.BlindIndex(actor.tenant, name, value);
      if (!hash) return refuse(hash.error());
      index->emplace_back(name, std::move(*hash));
    }
    SecureWipe(value.data(), value.size());
  }
  row->fields = domain::PackSealedFields(sealed);
  auto fields = std::make_shared<std::vector<std::string>>(Keys(valid->set));
  Actor who = actor;
  committer_.Submit(
      [row, key, index, fields, who, &keyring = keyring_](ports::Transaction& txn,
                                                          AuditWriter& audit) -> Status {
        row->wrapped_key = keyring.WrapSubjectKey(*key, row->tenant, row->id);
        KONFID_TRY(InsertSubject(txn, *row, *index));
        return audit.Append(MakeEvent(who, Operation::kCollect, row->id, *fields, Outcome::kOk));
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

void Vault::Get(const Actor& actor, const std::string& id, const std::string& purpose,
                Callback<SealedSubject> done) {
  std::shared_ptr<const ActivePolicy> active = policies_.Current(actor.tenant);
  std::shared_ptr<const domain::TenantPolicy> policy = active ? active->policy : nullptr;
  const domain::Purpose* pur = nullptr;
  auto refuse = [&](Error e) {
    auto event = std::make_shared<domain::AuditEvent>(
        ReadEvent(actor, IsValidSubjectId(id) ? id : "", {}, pur, purpose,
                  e.code() == ErrorCode::kPermissionDenied ? Outcome::kDenied : Outcome::kFailed,
                  ReasonOf(e)));
    RefuseEvent(event, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (!RoleAllows(actor.role, Operation::kExtract))
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read subjects")
                      .WithReason("role"));
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto named = ReadPurpose(*policy, purpose);
  if (!named) return refuse(named.error());
  pur = *named;
  if (!IsValidSubjectId(id)) return refuse(NoSubject());
  auto out = std::make_shared<SealedSubject>();
  Actor who = actor;
  committer_.Submit(
      [out, who, id, active, pur, purpose, now = clock_.Now()](ports::Transaction& txn,
                                                               AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubject(who.tenant, id));
        if (!found) return Fail(NoSubject());
        out->row = std::move(*found);
        KONFID_TRY(CheckGround(txn, *active, *pur, who.tenant, id, now));
        KONFID_ASSIGN_OR_RETURN(auto names, SealedFieldNames(out->row.fields));
        out->fields = Visible(names, *pur);
        return audit.Append(ReadEvent(who, id, out->fields, pur, purpose, Outcome::kOk));
      },
      [who, id, policy, pur, purpose](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(ReadEvent(who, id, {}, pur, purpose, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void Vault::Find(const Actor& actor, const std::string& field, const std::string& value,
                 const std::string& purpose, Callback<SealedSubject> done) {
  std::shared_ptr<const ActivePolicy> active = policies_.Current(actor.tenant);
  std::shared_ptr<const domain::TenantPolicy> policy = active ? active->policy : nullptr;
  const domain::Purpose* pur = nullptr;
  auto refuse = [&](Error e) {
    auto event = std::make_shared<domain::AuditEvent>(
        ReadEvent(actor, "", {field}, pur, purpose,
                  e.code() == ErrorCode::kPermissionDenied ? Outcome::kDenied : Outcome::kFailed,
                  ReasonOf(e)));
    RefuseEvent(event, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (!RoleAllows(actor.role, Operation::kExtract))
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read subjects")
                      .WithReason("role"));
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto named = ReadPurpose(*policy, purpose);
  if (!named) return refuse(named.error());
  pur = *named;
  const domain::FieldSpec* spec = policy->catalogue.Find(field);
  if (!spec || !spec->lookup)
    return refuse(Error(ErrorCode::kInvalidArgument, "'" + field + "' is not a lookup field")
                      .WithReason("not_lookup_field"));
  auto valid = domain::ValidateFieldValue(*spec, value);
  if (!valid) return refuse(valid.error());
  auto normalized = Normalize(*policy, *spec, *valid);
  if (!normalized) return refuse(normalized.error());
  auto hash = keyring_.BlindIndex(actor.tenant, field, *normalized);
  SecureWipe(normalized->data(), normalized->size());
  if (!hash) return refuse(hash.error());
  auto out = std::make_shared<SealedSubject>();
  Actor who = actor;
  committer_.Submit(
      [out, who, field, active, pur, purpose, now = clock_.Now(), h = std::move(*hash)](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubjectByIndex(who.tenant, field, h));
        if (!found) return Fail(NoSubject());
        out->row = std::move(*found);
        KONFID_TRY(CheckGround(txn, *active, *pur, who.tenant, out->row.id, now));
        KONFID_ASSIGN_OR_RETURN(auto names, SealedFieldNames(out->row.fields));
        out->fields = Visible(names, *pur);
        return audit.Append(ReadEvent(who, out->row.id, out->fields, pur, purpose, Outcome::kOk));
      },
      [who, field, policy, pur, purpose](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(ReadEvent(who, "", {field}, pur, purpose, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
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

void Vault::Update(const Actor& actor, const std::string& id, const domain::FieldInput& input,
                   Callback<SubjectView> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kUpdate, IsValidSubjectId(id) ? id : "", FieldNames(input),
           std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (!RoleAllows(actor.role, Operation::kUpdate))
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not update subjects")
                      .WithReason("role"));
  if (!IsValidSubjectId(id)) return refuse(NoSubject());
  std::shared_ptr<const domain::TenantPolicy> policy = Policy(actor.tenant);
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
  UnixMicros now = clock_.Now();
  committer_.Submit(
      [this, values, index, removed, fields, view, who, id, now, policy](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, id));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(SecretBytes key,
                                keyring_.UnwrapSubjectKey(row->wrapped_key, who.tenant, id));
        KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed,
                                domain::UnpackSealedFields(row->fields));
        for (const auto& [name, value] : *values)
          sealed[name] =
              crypto_.Seal(key, AsBytes(value), domain::FieldAssociatedData(who.tenant, id, name));
        KONFID_TRY(RemoveFields(txn, *policy, who.tenant, id, *removed, sealed));
        KONFID_ASSIGN_OR_RETURN(bool email_changed,
                                EmailChanged(txn, *policy, who.tenant, id, *removed, *index));
        if (email_changed)
          KONFID_TRY(ReconfirmEmail(txn, audit, who, *policy, *row, key, *values, *index, now));
        KONFID_TRY(ReplaceIndex(txn, who.tenant, id, *index));
        KONFID_TRY(txn.UpdateSubjectFields(who.tenant, id, domain::PackSealedFields(sealed), now));
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

Status Vault::NormalizeUpdate(const Actor& actor, const domain::TenantPolicy& policy,
                              const domain::FieldValues& set, domain::FieldValues& values,
                              std::map<std::string, Bytes>& index) {
  for (const auto& [name, value] : set) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    KONFID_ASSIGN_OR_RETURN(std::string normalized, Normalize(policy, *spec, value));
    if (spec->lookup) {
      KONFID_ASSIGN_OR_RETURN(Bytes hash, keyring_.BlindIndex(actor.tenant, name, normalized));
      index.emplace(name, std::move(hash));
    }
    values.emplace(name, std::move(normalized));
  }
  return Ok();
}

void Vault::Destroy(const Actor& actor, const std::string& id, Callback<void> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kDestroy, IsValidSubjectId(id) ? id : "", {}, std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  if (!RoleAllows(actor.role, Operation::kDestroy))
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not delete subjects")
                      .WithReason("role"));
  if (!IsValidSubjectId(id)) return refuse(NoSubject());
  Actor who = actor;
  committer_.Submit(
      [who, id](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, id));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed,
                                domain::UnpackSealedFields(row->fields));
        KONFID_TRY(txn.DeleteIndex(who.tenant, id, ""));
        KONFID_TRY(txn.DeleteSubject(who.tenant, id));
        return audit.Append(MakeEvent(who, Operation::kDestroy, id, Keys(sealed), Outcome::kOk));
      },
      [who, id](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kDestroy, id, {}, Outcome::kFailed, ReasonOf(e)));
      },
      [done](Status st) { done(st); });
}

}  // namespace konfid::app
