#include "app/kernel.h"

#include <algorithm>
#include <cstring>

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

Kernel::Kernel(const PolicySource& policies, Keyring& keyring, GroupCommitter& committer,
               ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock)
    : policies_(policies),
      keyring_(keyring),
      committer_(committer),
      crypto_(crypto),
      phones_(phones),
      clock_(clock) {}

Status Kernel::Permit(const Actor& actor, Permission permission) {
  if (RoleMay(actor.role, permission)) return Ok();
  return Fail(Error(ErrorCode::kPermissionDenied, std::string(RefusalMessage(permission)))
                  .WithReason("role"));
}

std::string Kernel::NewId(UnixMicros now) {
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

std::string Kernel::IdFloor(UnixMicros t) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t ms = static_cast<uint64_t>(std::max<UnixMicros>(t, 0) / 1000);
  std::string id(32, '0');
  for (int i = 11; i >= 0; --i, ms >>= 4) id[i] = kHex[ms & 0xf];
  return id;
}

bool Kernel::IsValidId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void Kernel::RefuseEvent(std::shared_ptr<domain::AuditEvent> event, Error error,
                         std::function<void(Error)> done) {
  auto err = std::make_shared<Error>(std::move(error));
  committer_.Submit(
      [event](ports::Transaction&, AuditWriter& audit) { return audit.Append(*event); }, nullptr,
      [err, done = std::move(done)](Status st) { done(st ? *err : st.error()); });
}

void Kernel::Refuse(const Actor& actor, Operation op, const std::string& subject,
                    std::vector<std::string> fields, Error error, std::function<void(Error)> done) {
  Outcome outcome =
      error.code() == ErrorCode::kPermissionDenied ? Outcome::kDenied : Outcome::kFailed;
  auto event = std::make_shared<domain::AuditEvent>(
      MakeEvent(actor, op, subject, std::move(fields), outcome, ReasonOf(error)));
  RefuseEvent(std::move(event), std::move(error), std::move(done));
}

Result<std::string> Kernel::Normalize(const domain::TenantPolicy& policy,
                                      const domain::FieldSpec& spec, const std::string& value) {
  if (spec.type != domain::FieldType::kPhone) return value;
  auto e164 = phones_.ToE164(value, policy.default_region);
  if (!e164)
    return Fail(
        Error(ErrorCode::kInvalidArgument, "field '" + spec.name + "' is not a valid phone number")
            .WithReason("invalid_phone"));
  return e164;
}

Result<SecretBytes> Kernel::SubjectKey(const ports::SubjectRow& row) const {
  KONFID_ASSIGN_OR_RETURN(uint32_t generation, domain::SealedFieldsKeyGeneration(row.fields));
  return keyring_.UnwrapSubjectKey(row.wrapped_key, row.tenant, row.id, generation);
}

Result<domain::FieldValues> Kernel::OpenFields(const ports::SubjectRow& row,
                                               const std::vector<std::string>* only) const {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, SubjectKey(row));
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

}  // namespace konfid::app
