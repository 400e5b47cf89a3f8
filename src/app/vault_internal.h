// Helpers the Vault's source files share (vault.cc, vault_consent.cc,
// vault_registration.cc). Not for use outside the Vault.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/policy_store.h"
#include "app/vault.h"
#include "core/error.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/policy.h"
#include "ports/storage.h"

namespace konfid::app::internal {

std::vector<std::string> FieldNames(const domain::FieldInput& input);

template <typename Map>
std::vector<std::string> Keys(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

// Conflict, reason duplicate_<field>.
Error Duplicate(const std::string& field);
// A write may only touch fields some purpose of the policy in force declares.
Status CheckFieldsHavePurpose(const domain::TenantPolicy& policy, const domain::FieldInput& input);
// Denied for permission and consent refusals, failed otherwise.
domain::Outcome OutcomeOf(const Error& e);
Error NoSubject();
// A purpose that rests on consent needs this subject's consent to be live now
// (ConsentRequired otherwise); other grounds come from the policy itself.
Status CheckGround(ports::Transaction& txn, const ActivePolicy& active,
                   const domain::Purpose& purpose, const std::string& tenant,
                   const std::string& subject, UnixMicros now);
// The audit event of a consent ledger event (or of a refused attempt at one).
domain::AuditEvent ConsentAudit(const Actor& who, domain::Operation op, const std::string& subject,
                                const std::string& purpose, domain::Outcome outcome,
                                std::string reason = {});
// What a token applies when used, as "key=value" lines (newlines in values become spaces),
// and back.
std::string PendingText(const std::map<std::string, std::string>& values);
std::map<std::string, std::string> ParsePending(std::string_view text);
std::vector<std::string> SplitComma(const std::string& s);
// A token row that exists, is of `kind`, unused and unexpired.
bool UsableToken(const std::optional<ports::TokenRow>& row, std::string_view kind, UnixMicros now);

// The tenant's lookup field of type email (the address mail goes to); nullptr when none.
const domain::FieldSpec* EmailSpec(const domain::TenantPolicy& policy);
// Conflict, reason email_unconfirmed: marketing mail goes only to a confirmed address.
Error EmailUnconfirmed();

// The names of the fields a stored record holds, without decrypting anything.
Result<std::vector<std::string>> SealedFieldNames(const Bytes& blob);

}  // namespace konfid::app::internal
