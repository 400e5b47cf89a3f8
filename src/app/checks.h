// The checks, errors and audit events the use cases on personal data share (subjects.cc,
// consents.cc, registrations.cc, marketing.cc, policy_notices.cc, consent_expiry.cc). Not for
// use outside app/.
#pragma once

#include <string>
#include <vector>

#include "app/kernel.h"
#include "app/policy_store.h"
#include "core/error.h"
#include "domain/audit.h"
#include "domain/field.h"
#include "domain/policy.h"
#include "domain/retention.h"
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
// The tenant's lookup field of type email (the address mail goes to); nullptr when none.
const domain::FieldSpec* EmailSpec(const domain::TenantPolicy& policy);
// Conflict (blocked) when the subject, or one of `fields`, is blocked (domain/blocking.h).
Status CheckNotBlocked(const ports::SubjectRow& row, const std::vector<std::string>& fields);
// Whether `purpose` may be processed for the subject at all (domain/blocking.h):
// PermissionDenied, processing_stopped, when their objection stopped it (an upheld
// stop_processing under GDPR Art. 21(1)); kept_for_obligation when the subject is erased and
// `purpose` is not one of those its fields are kept for; role when it is one and `actor` may
// not read what an erasure kept (kSubjectsReadKept).
Status CheckPurposeOpen(const ports::SubjectRow& row, const domain::Purpose& purpose,
                        const Actor& actor);
// Whether the subject was erased and what is left is only kept (domain/blocking.h).
bool Erased(const ports::SubjectRow& row);
// Conflict, reason erased: nothing of an erased subject is written or used but what is kept.
Error ErasedError();
// Conflict, reason email_unconfirmed: marketing mail goes only to a confirmed address.
Error EmailUnconfirmed();

// The names of the fields a stored record holds, without decrypting anything.
Result<std::vector<std::string>> SealedFieldNames(const Bytes& blob);
// The purpose a read names, from the policy in force: InvalidArgument, purpose_required or
// unknown_purpose.
Result<const domain::Purpose*> ReadPurpose(const domain::TenantPolicy& policy,
                                           const std::string& purpose);
// The language ("ru" or "en") of the consent text `event` records: its hash is the English
// text's of its version, or else it is taken as the Russian one (as is an event without one).
Result<std::string> TextLang(ports::Transaction& txn, ports::Crypto& crypto,
                             const std::string& tenant, const domain::ConsentEvent& event);
// The consent events of one purpose, from a subject's ledger (oldest first).
Result<std::vector<domain::ConsentEvent>> PurposeEvents(ports::Transaction& txn,
                                                        const std::string& tenant,
                                                        const std::string& subject,
                                                        const std::string& purpose);

// Inside a transaction: the retention facts of the subject of `row` but its consents (when
// its data was last written, its contracts' ends, its stopped and kept purposes).
Result<domain::RetentionFacts> RowFacts(ports::Transaction& txn, const ports::SubjectRow& row);

// Inside a transaction: what erasing a subject deletes — its blind-index entries, the ends of
// its contracts, its legal holds (their documents are sealed under its key), and its row with the
// data key (so every ciphertext of it is unreadable). Returns false when there was no row.
Result<bool> DeleteSubjectRows(ports::Transaction& txn, const std::string& tenant,
                               const std::string& subject);

}  // namespace konfid::app::internal
