#include "app/vault.h"

#include <algorithm>
#include <memory>

#include "app/receipts.h"
#include "domain/mail.h"
#include "domain/sealed_fields.h"
#include "text/policy_text.h"

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

namespace {

std::vector<std::string> FieldNames(const domain::FieldInput& input) {
  std::vector<std::string> out;
  for (const auto& [name, value] : input) out.push_back(name);
  return out;
}

template <typename Map>
std::vector<std::string> Keys(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
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
  return e.code() == ErrorCode::kPermissionDenied || e.code() == ErrorCode::kConsentRequired
             ? Outcome::kDenied
             : Outcome::kFailed;
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

// The names of the fields a stored record holds, without decrypting anything.
Result<std::vector<std::string>> SealedFieldNames(const Bytes& blob) {
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(blob));
  return Keys(sealed);
}

}  // namespace

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
  Bytes raw(16);
  uint64_t ms = static_cast<uint64_t>(now / 1000);
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  crypto_.RandomBytes(std::span<uint8_t>(raw).subspan(6));
  return HexEncode(raw);
}

bool Vault::IsValidSubjectId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace {
domain::AuditEvent ReadEvent(const Actor& who, const std::string& subject,
                             std::vector<std::string> fields, const domain::Purpose* purpose,
                             const std::string& purpose_id, Outcome outcome, std::string reason) {
  domain::AuditEvent e =
      MakeEvent(who, Operation::kExtract, subject, std::move(fields), outcome, std::move(reason));
  e.purpose = purpose_id;
  if (purpose) e.ground = purpose->ground;
  return e;
}
}  // namespace

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
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row.fields));
  domain::FieldValues out;
  for (const auto& [name, ct] : sealed) {
    if (only && std::find(only->begin(), only->end(), name) == only->end()) continue;
    KONFID_ASSIGN_OR_RETURN(
        std::string value,
        crypto_.Open(key, ct, domain::FieldAssociatedData(row.tenant, row.id, name)));
    out.emplace(name, std::move(value));
  }
  return out;
}

Result<SubjectView> Vault::View(const ports::SubjectRow& row,
                                const std::vector<std::string>* only) {
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues fields, DecryptAll(row, only));
  return SubjectView{row.id, std::move(fields), row.created_at, row.updated_at};
}

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
  SecretBytes key = crypto_.NewKey();
  row->wrapped_key = keyring_.WrapSubjectKey(key, actor.tenant, row->id);
  domain::SealedFields sealed;
  auto index = std::make_shared<std::vector<std::pair<std::string, Bytes>>>();
  for (auto& [name, value] : valid->set) {
    const domain::FieldSpec* spec = policy->catalogue.Find(name);
    auto normalized = Normalize(*policy, *spec, value);
    if (!normalized) return refuse(normalized.error());
    value = std::move(*normalized);
    sealed.emplace(name, crypto_.Seal(key, AsBytes(value),
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
      [row, index, fields, who](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_TRY(txn.InsertSubject(*row));
        for (const auto& [field, hash] : *index) {
          auto st = txn.InsertIndex(row->tenant, field, hash, row->id);
          if (!st)
            return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field) : st.error());
        }
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
  auto valid = domain::ValidateFields(policy->catalogue, input, domain::ValidationMode::kUpdate);
  if (!valid) return refuse(valid.error());
  if (auto st = CheckFieldsHavePurpose(*policy, input); !st) return refuse(st.error());
  if (valid->set.empty() && valid->remove.empty())
    return refuse(
        Error(ErrorCode::kInvalidArgument, "no fields to update").WithReason("empty_update"));
  // Normalize and hash now; sealing needs the subject's key, which the transaction unwraps.
  auto values = std::make_shared<domain::FieldValues>();
  auto index = std::make_shared<std::map<std::string, Bytes>>();
  for (auto& [name, value] : valid->set) {
    const domain::FieldSpec* spec = policy->catalogue.Find(name);
    auto normalized = Normalize(*policy, *spec, value);
    if (!normalized) return refuse(normalized.error());
    if (spec->lookup) {
      auto hash = keyring_.BlindIndex(actor.tenant, name, *normalized);
      if (!hash) return refuse(hash.error());
      index->emplace(name, std::move(*hash));
    }
    values->emplace(name, std::move(*normalized));
  }
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
        for (const auto& name : *removed) sealed.erase(name);
        for (const auto& name : *removed)
          if (policy->catalogue.Find(name)->lookup)
            KONFID_TRY(txn.DeleteIndex(who.tenant, id, name));
        for (const auto& [field, hash] : *index) {
          KONFID_TRY(txn.DeleteIndex(who.tenant, id, field));
          auto st = txn.InsertIndex(who.tenant, field, hash, id);
          if (!st)
            return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field) : st.error());
        }
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

namespace {
Operation ConsentOperation(domain::ConsentKind kind) {
  switch (kind) {
    case domain::ConsentKind::kGiven:
      return Operation::kConsentGiven;
    case domain::ConsentKind::kWithdrawn:
      return Operation::kConsentWithdrawn;
    case domain::ConsentKind::kRefused:
      return Operation::kConsentRefused;
    case domain::ConsentKind::kExpired:
      return Operation::kConsentExpired;
    case domain::ConsentKind::kRenewed:
      return Operation::kConsentRenewed;
  }
  return Operation::kConsentGiven;
}
}  // namespace

void Vault::RecordConsent(const Actor& actor, const std::string& subject, const ConsentInput& input,
                          Callback<ports::ConsentEventRow> done) {
  Operation op = ConsentOperation(input.kind);
  auto refuse = [&](Error e) {
    auto event = std::make_shared<domain::AuditEvent>(MakeEvent(
        actor, op, IsValidSubjectId(subject) ? subject : "", {}, OutcomeOf(e), ReasonOf(e)));
    event->purpose = input.purpose;
    event->ground = "consent";
    RefuseEvent(event, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not record consent")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  const domain::Purpose* pur = active->policy->FindPurpose(input.purpose);
  if (!pur)
    return refuse(Error(ErrorCode::kInvalidArgument,
                        "the policy in force declares no purpose '" + input.purpose + "'")
                      .WithReason("unknown_purpose"));
  if (pur->ground != "consent")
    return refuse(Error(ErrorCode::kInvalidArgument, "purpose '" + input.purpose + "' rests on " +
                                                         pur->ground + ", not on consent")
                      .WithReason("not_consent_purpose"));
  if (input.kind != domain::ConsentKind::kGiven && input.kind != domain::ConsentKind::kWithdrawn &&
      input.kind != domain::ConsentKind::kRefused)
    return refuse(Error(ErrorCode::kInvalidArgument, "a consent is given, withdrawn or refused")
                      .WithReason("invalid_value"));
  if (!domain::IsConsentMethod(input.method))
    return refuse(Error(ErrorCode::kInvalidArgument,
                        "method must be form, cabinet, api, unsubscribe_link or gpc")
                      .WithReason("invalid_value"));
  if (input.lang != "ru" && input.lang != "en")
    return refuse(
        Error(ErrorCode::kInvalidArgument, "lang must be ru or en").WithReason("invalid_value"));
  if (input.source.size() > 256)
    return refuse(Error(ErrorCode::kInvalidArgument, "source is longer than 256 bytes")
                      .WithReason("too_long"));
  if (!IsValidSubjectId(subject)) return refuse(NoSubject());
  auto event = std::make_shared<domain::ConsentEvent>();
  event->purpose = input.purpose;
  event->kind = input.kind;
  event->policy_version = input.policy_version > 0 ? input.policy_version : active->version;
  event->method = input.method;
  event->source = input.source;
  event->time = clock_.Now();
  event->id = NewSubjectId(event->time);
  if (!input.ip.empty()) {
    auto ip = domain::TruncateIp(input.ip);
    if (!ip)
      return refuse(Error(ErrorCode::kInvalidArgument, "ip is not an IPv4 or IPv6 address")
                        .WithReason("invalid_value"));
    event->ip = *ip;
  }
  event->user_agent = input.user_agent.substr(0, 256);
  Actor who = actor;
  std::string lang = input.lang;
  auto stored = std::make_shared<ports::ConsentEventRow>();
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  committer_.Submit(
      [this, event, stored, policy, who, subject, op, lang](ports::Transaction& txn,
                                                            AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(
            *stored, SignedConsentEvent(txn, *policy, who.tenant, subject, *event, lang));
        *event = stored->event;
        KONFID_TRY(txn.InsertConsentEvent(*stored));
        domain::AuditEvent e = MakeEvent(who, op, subject, {}, Outcome::kOk);
        e.purpose = event->purpose;
        e.ground = "consent";
        return audit.Append(e);
      },
      [who, subject, op, event](ports::Transaction&, AuditWriter& audit, const Error& e) {
        domain::AuditEvent ev = MakeEvent(who, op, subject, {}, OutcomeOf(e), ReasonOf(e));
        ev.purpose = event->purpose;
        ev.ground = "consent";
        return audit.Append(ev);
      },
      [stored, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*stored));
      });
}

void Vault::Consents(const Actor& actor, const std::string& subject, Callback<ConsentLedger> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kExtract, IsValidSubjectId(subject) ? subject : "", {"consents"},
           std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kSupport &&
      actor.role != Role::kMarketing)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read consents")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!IsValidSubjectId(subject)) return refuse(NoSubject());
  auto out = std::make_shared<ConsentLedger>();
  Actor who = actor;
  committer_.Submit(
      [out, who, subject, active, now = clock_.Now()](ports::Transaction& txn,
                                                      AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(who.tenant, subject));
        for (auto& r : rows) out->events.push_back(std::move(r.event));
        out->states =
            domain::DeriveConsents(out->events, *active->policy, now, active->consent_epochs);
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"consents"}, Outcome::kOk));
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"consents"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void Vault::Receipt(const Actor& actor, const std::string& event_id,
                    Callback<ports::ConsentEventRow> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kExtract, "", {"receipt"}, std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kSupport &&
      actor.role != Role::kMarketing)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read receipts")
                      .WithReason("role"));
  auto not_found = Error(ErrorCode::kNotFound, "no such receipt").WithReason("not_found");
  if (!IsValidSubjectId(event_id)) return refuse(not_found);
  auto out = std::make_shared<ports::ConsentEventRow>();
  Actor who = actor;
  committer_.Submit(
      [out, who, event_id, not_found](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindConsentEvent(who.tenant, event_id));
        if (!row) return Fail(not_found);
        *out = std::move(*row);
        return audit.Append(
            MakeEvent(who, Operation::kExtract, out->subject, {"receipt"}, Outcome::kOk));
      },
      [who](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, "", {"receipt"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

Result<std::pair<std::string, Bytes>> Vault::ReceiptKey(const std::string& tenant) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(tenant));
  if (keys->receipt_public_key.empty())
    return Fail(ErrorCode::kNotFound, "the tenant has no receipt key yet");
  return std::pair(keys->receipt_key_id, keys->receipt_public_key);
}

Result<ports::ConsentEventRow> Vault::SignedConsentEvent(
    ports::Transaction& txn, const domain::TenantPolicy& policy, const std::string& tenant,
    const std::string& subject, domain::ConsentEvent event, const std::string& lang) {
  // The exact text the visitor was shown, by version and language.
  KONFID_ASSIGN_OR_RETURN(auto text, txn.FindPolicyText(tenant, event.policy_version,
                                                        "consent/" + event.purpose, lang, "md"));
  if (!text)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "policy version " + std::to_string(event.policy_version) +
                          " has no consent text for purpose '" + event.purpose + "'")
                    .WithReason("unknown_policy_version"));
  event.text_hash = HexEncode(crypto_.Sha256(AsBytes(*text)));
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(tenant));
  if (keys->receipt_key.size() == 0)
    return Fail(ErrorCode::kInternal, "internal error", "tenant has no receipt key");
  std::string claims = ReceiptClaims(policy, subject, event, lang);
  std::string receipt = SignReceipt(crypto_, keys->receipt_key, keys->receipt_key_id, claims);
  return ports::ConsentEventRow{tenant, subject, std::move(event), std::move(receipt)};
}

namespace {

// What a confirmation token applies, as "key=value" lines (values have no newline).
std::string PendingText(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    std::string clean = v;
    for (char& c : clean)
      if (c == '\n' || c == '\r') c = ' ';
    out += k + "=" + clean + "\n";
  }
  return out;
}

std::map<std::string, std::string> ParsePending(std::string_view text) {
  std::map<std::string, std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (size_t eq = line.find('='); eq != std::string_view::npos)
      out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < s.size();) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

std::string OutboxAd(const std::string& tenant, const std::string& subject, const std::string& id) {
  std::string ad = "konfid-outbox-v1";
  for (const std::string* part : {&tenant, &subject, &id}) ad += '\0' + *part;
  return ad;
}

}  // namespace

Bytes Vault::TokenHash(const std::string& tenant, std::string_view secret) const {
  std::string message = "konfid-token-v1";
  message += '\0';
  message += tenant;
  message += '\0';
  message += secret;
  return crypto_.Hash(AsBytes(message));
}

void Vault::Register(const Actor& actor, const RegistrationInput& input,
                     Callback<RegistrationResult> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kCollect, "", FieldNames(input.fields), std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not register")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  auto valid =
      domain::ValidateFields(policy->catalogue, input.fields, domain::ValidationMode::kCreate);
  if (!valid) return refuse(valid.error());
  if (auto st = CheckFieldsHavePurpose(*policy, input.fields); !st) return refuse(st.error());
  // A choice for every consent-based purpose: never assumed, never pre-ticked by us.
  std::vector<std::string> given, refused;
  for (const auto& p : policy->purposes) {
    if (p.ground != "consent") continue;
    auto it = input.choices.find(p.id);
    if (it == input.choices.end())
      return refuse(Error(ErrorCode::kInvalidArgument,
                          "the form must give the visitor's choice for purpose '" + p.id + "'")
                        .WithReason("consent_choice_missing"));
    (it->second ? given : refused).push_back(p.id);
  }
  for (const auto& [id, choice] : input.choices) {
    const domain::Purpose* p = policy->FindPurpose(id);
    if (!p)
      return refuse(
          Error(ErrorCode::kInvalidArgument, "the policy in force declares no purpose '" + id + "'")
              .WithReason("unknown_purpose"));
    if (p->ground != "consent")
      return refuse(Error(ErrorCode::kInvalidArgument,
                          "purpose '" + id + "' rests on " + p->ground + ", not on consent")
                        .WithReason("not_consent_purpose"));
  }
  const domain::FieldSpec* email_spec = nullptr;
  for (const auto& f : policy->catalogue.fields())
    if (f.type == domain::FieldType::kEmail && f.lookup) email_spec = &f;
  if (!email_spec || !valid->set.contains(email_spec->name))
    return refuse(Error(ErrorCode::kInvalidArgument, "a registration needs an email address")
                      .WithReason("required_field"));
  if (input.lang != "ru" && input.lang != "en")
    return refuse(
        Error(ErrorCode::kInvalidArgument, "lang must be ru or en").WithReason("invalid_value"));
  std::string ip;
  if (!input.ip.empty()) {
    auto t = domain::TruncateIp(input.ip);
    if (!t)
      return refuse(Error(ErrorCode::kInvalidArgument, "ip is not an IPv4 or IPv6 address")
                        .WithReason("invalid_value"));
    ip = *t;
  }
  int64_t version = input.policy_version > 0 ? input.policy_version : active->version;

  // The new subject, prepared as Create does; used only when the email is new.
  UnixMicros now = clock_.Now();
  auto row = std::make_shared<ports::SubjectRow>();
  row->tenant = actor.tenant;
  row->created_at = row->updated_at = now;
  row->id = NewSubjectId(now);
  auto key = std::make_shared<SecretBytes>(crypto_.NewKey());
  row->wrapped_key = keyring_.WrapSubjectKey(*key, actor.tenant, row->id);
  domain::SealedFields sealed;
  auto index = std::make_shared<std::vector<std::pair<std::string, Bytes>>>();
  auto email = std::make_shared<std::string>();
  Bytes email_hash;
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
      if (spec == email_spec) email_hash = *hash;
      index->emplace_back(name, std::move(*hash));
    }
    if (spec == email_spec) *email = value;
    SecureWipe(value.data(), value.size());
  }
  row->fields = domain::PackSealedFields(sealed);

  // The confirmation link's secret goes only into the email; the token row keeps its hash.
  Bytes raw(32);
  crypto_.RandomBytes(raw);
  std::string secret = Base64UrlEncode(raw);
  auto token = std::make_shared<ports::TokenRow>();
  token->tenant = actor.tenant;
  token->hash = TokenHash(actor.tenant, secret);
  token->kind = "confirm_email";
  token->created_at = now;
  token->expires_at = now + static_cast<int64_t>(mail_.token_hours) * 3'600'000'000LL;
  std::string given_list;
  for (const auto& g : given) given_list += (given_list.empty() ? "" : ",") + g;
  token->pending = PendingText({{"given", given_list},
                                {"version", std::to_string(version)},
                                {"lang", input.lang},
                                {"source", input.form.substr(0, 256)},
                                {"ip", ip},
                                {"ua", input.user_agent.substr(0, 256)}});

  auto mail_text = text::RenderMailText(
      "confirm", input.lang == "en" ? text::Lang::kEn : text::Lang::kRu,
      {{"operator", input.lang == "en" ? policy->op.legal_name.en : policy->op.legal_name.ru},
       {"site", mail_.public_url},
       {"link", mail_.public_url + "?tenant=" + actor.tenant + "&token=" + secret},
       {"hours", std::to_string(mail_.token_hours)},
       {"policy_url", policy->publication.url}});
  auto outbox = std::make_shared<ports::OutboxRow>();
  outbox->tenant = actor.tenant;
  outbox->id = NewSubjectId(now);
  outbox->kind = "confirm_email";
  outbox->next_attempt_at = now;
  outbox->created_at = now;
  domain::MailContent mail;
  mail.from = mail_.from;
  mail.from_name = mail_.from_name;
  mail.to = *email;
  mail.subject = mail_text.subject;
  mail.body = mail_text.body;
  mail.message_id = outbox->id + "@" + mail_.from.substr(mail_.from.find('@') + 1);
  mail.date = now;
  auto payload = std::make_shared<Bytes>();
  AppendLengthPrefixed(*payload, mail_.from);
  AppendLengthPrefixed(*payload, *email);
  AppendLengthPrefixed(*payload, domain::RenderMail(mail));
  SecureWipe(secret.data(), secret.size());
  SecureWipe(email->data(), email->size());
  SecureWipe(mail.body.data(), mail.body.size());

  auto result = std::make_shared<RegistrationResult>();
  auto fields = std::make_shared<std::vector<std::string>>(Keys(valid->set));
  Actor who = actor;
  std::string lang = input.lang, source = input.form.substr(0, 256),
              ua = input.user_agent.substr(0, 256), email_field = email_spec->name;
  committer_.Submit(
      [this, row, index, key, token, outbox, payload, result, fields, who, policy, refused, version,
       lang, source, ip, ua, now, email_field,
       email_hash](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto existing,
                                txn.FindSubjectByIndex(who.tenant, email_field, email_hash));
        SecretBytes subject_key;
        if (existing) {  // the address is known: its subject is left as it is
          result->subject = existing->id;
          KONFID_ASSIGN_OR_RETURN(subject_key, keyring_.UnwrapSubjectKey(existing->wrapped_key,
                                                                         who.tenant, existing->id));
        } else {
          KONFID_TRY(txn.InsertSubject(*row));
          for (const auto& [field, hash] : *index) {
            auto st = txn.InsertIndex(row->tenant, field, hash, row->id);
            if (!st)
              return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field)
                                                                    : st.error());
          }
          KONFID_TRY(
              audit.Append(MakeEvent(who, Operation::kCollect, row->id, *fields, Outcome::kOk)));
          result->subject = row->id;
          result->created = true;
          subject_key = key->Clone();
        }
        for (const auto& purpose : refused) {
          domain::ConsentEvent e;
          e.id = NewSubjectId(now);
          e.purpose = purpose;
          e.kind = domain::ConsentKind::kRefused;
          e.policy_version = version;
          e.method = "form";
          e.source = source;
          e.time = now;
          e.ip = ip;
          e.user_agent = ua;
          KONFID_ASSIGN_OR_RETURN(auto signed_event, SignedConsentEvent(txn, *policy, who.tenant,
                                                                        result->subject, e, lang));
          KONFID_TRY(txn.InsertConsentEvent(signed_event));
          domain::AuditEvent ev =
              MakeEvent(who, Operation::kConsentRefused, result->subject, {}, Outcome::kOk);
          ev.purpose = purpose;
          ev.ground = "consent";
          KONFID_TRY(audit.Append(ev));
          result->refused.push_back(signed_event.event);
        }
        token->subject = result->subject;
        KONFID_TRY(txn.InsertToken(*token));
        outbox->subject = result->subject;
        outbox->payload =
            crypto_.Seal(subject_key, *payload, OutboxAd(who.tenant, result->subject, outbox->id));
        KONFID_TRY(txn.InsertOutbox(*outbox));
        result->message = outbox->id;
        // The email address is used to send the confirmation.
        return audit.Append(
            MakeEvent(who, Operation::kUse, result->subject, {email_field}, Outcome::kOk));
      },
      [fields, who](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kCollect, "", *fields, OutcomeOf(e), ReasonOf(e)));
      },
      [payload, result, done](Status st) {
        SecureWipe(payload->data(), payload->size());
        if (!st) return done(Fail(st.error()));
        done(std::move(*result));
      });
}

void Vault::Confirm(const std::string& tenant, const std::string& token,
                    Callback<std::vector<domain::ConsentEvent>> done) {
  Actor link{tenant, "link:confirm", Role::kAnalyst};
  auto invalid = Error(ErrorCode::kInvalidArgument, "the link is invalid, used or expired")
                     .WithReason("invalid_token");
  auto active = policies_.Current(tenant);
  if (!active || token.empty() || token.size() > 128) return done(Fail(invalid));
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  Bytes hash = TokenHash(tenant, token);
  auto out = std::make_shared<std::vector<domain::ConsentEvent>>();
  UnixMicros now = clock_.Now();
  committer_.Submit(
      [this, link, hash, invalid, policy, out, now](ports::Transaction& txn,
                                                    AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindToken(link.tenant, hash));
        if (!row || row->used_at != 0 || now >= row->expires_at || row->kind != "confirm_email")
          return Fail(invalid);
        KONFID_ASSIGN_OR_RETURN(bool first, txn.MarkTokenUsed(link.tenant, hash, now));
        if (!first) return Fail(invalid);
        KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(link.tenant, row->subject));
        if (!subject) return Fail(invalid);  // erased since
        auto pending = ParsePending(row->pending);
        int64_t version = std::stoll(pending["version"].empty() ? "0" : pending["version"]);
        for (const auto& purpose : SplitComma(pending["given"])) {
          const domain::Purpose* p = policy->FindPurpose(purpose);
          if (!p || p->ground != "consent") continue;  // the policy changed meanwhile
          domain::ConsentEvent e;
          e.id = NewSubjectId(now);
          e.purpose = purpose;
          e.kind = domain::ConsentKind::kGiven;
          e.policy_version = version;
          e.method = "form";
          e.source = pending["source"];
          e.time = now;
          e.ip = pending["ip"];
          e.user_agent = pending["ua"];
          KONFID_ASSIGN_OR_RETURN(
              auto signed_event,
              SignedConsentEvent(txn, *policy, link.tenant, row->subject, e, pending["lang"]));
          KONFID_TRY(txn.InsertConsentEvent(signed_event));
          domain::AuditEvent ev =
              MakeEvent(link, Operation::kConsentGiven, row->subject, {}, Outcome::kOk);
          ev.purpose = purpose;
          ev.ground = "consent";
          KONFID_TRY(audit.Append(ev));
          out->push_back(signed_event.event);
        }
        // The address is confirmed by its owner.
        return audit.Append(MakeEvent(link, Operation::kRecord, row->subject, {"email"},
                                      Outcome::kOk, "email_confirmed"));
      },
      [link](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(link, Operation::kRecord, "", {"email"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

}  // namespace konfid::app
