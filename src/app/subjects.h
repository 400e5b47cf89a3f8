// Subjects: the use cases on a subject's personal data itself — collect, extract (by id or
// by a lookup field, always for a named purpose), update and destroy. Each validates and
// prepares what it can on the caller's thread (normalization, encryption, blind-index hashes),
// then runs its reads and writes and its audit event in one transaction of the group
// committer, and calls back after the commit. Every attempt is audited: successes, denials and
// failures.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/destruction_acts.h"
#include "app/kernel.h"
#include "app/mail_composer.h"
#include "app/recipient_notices.h"
#include "app/source_notices.h"
#include "domain/retention.h"

namespace konfid::app {

struct SubjectView {
  std::string id;
  domain::FieldValues fields;  // empty for writes
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  UnixMicros email_verified_at = 0;  // when its owner confirmed the email; 0: not confirmed
};

// A subject as read in a committed transaction, values still sealed. Subjects::Open decrypts
// it on the caller's thread, so the serial committer never spends time on decryption and no
// value is decrypted before the read's audit event is durable.
struct SealedSubject {
  ports::SubjectRow row;
  std::vector<std::string> fields;  // the fields the read's purpose may see
};

class Subjects {
 public:
  // Each reference outlives the use case.
  Subjects(Kernel& kernel, MailComposer& mail, DestructionActs& acts)
      : k_(kernel), mail_(mail), acts_(acts) {}

  // collect: validates against the tenant's catalogue (a field no purpose declares is
  // refused, reason field_without_purpose); Conflict (reason duplicate_<field>) when a lookup
  // field's value belongs to another subject. Returns id and times. Fields the policy declares
  // as received from a third party are noticed to the subject (app/source_notices.h).
  void Create(const Actor& actor, const domain::FieldInput& input, Callback<SubjectView> done);
  // extract for `purpose`: the fields that purpose uses (sealed; see Open). InvalidArgument
  // (reason unknown_purpose) for a purpose the policy in force does not declare; NotFound for
  // an unknown id or another tenant's subject; ConsentRequired when the purpose rests on
  // consent and this subject's is not live. The audit event names purpose and ground. A
  // processor's key bound to a recipient reads only the recipient's projection of the purpose
  // (PermissionDenied otherwise: RecipientProjection), and its read is recorded as a
  // disclosure to that recipient and audited as a transfer.
  void Get(const Actor& actor, const std::string& id, const std::string& purpose,
           Callback<SealedSubject> done);
  // extract by a lookup field (email, phone): any accepted spelling finds the subject.
  void Find(const Actor& actor, const std::string& field, const std::string& value,
            const std::string& purpose, Callback<SealedSubject> done);
  // update: sets and removes fields (null removes an optional field). A new email address is
  // unconfirmed: the same transaction queues a confirmation email to it (double opt-in again).
  // A field received from a third party that the subject did not hold is noticed to them
  // (app/source_notices.h).
  void Update(const Actor& actor, const std::string& id, const domain::FieldInput& input,
              Callback<SubjectView> done);
  // destroy: deletes the rows and the wrapped data key with them. An update or a destruction
  // tells the recipients that received the changed fields (app/recipient_notices.h).
  void Destroy(const Actor& actor, const std::string& id, Callback<void> done);
  // Inside a transaction: destroys the subject of `row` as Destroy does (its rows and data
  // key), tells the recipients, and audits the destruction as `who` with `reason` (empty for a
  // staff DELETE, request:<id> for the erasure request it fulfils). What a legal obligation
  // still holds (KeptAt) is kept instead: the rest of the values and every lookup hash are
  // destroyed (EraseSubjectFields: no copy left in the database's files), what is kept is
  // sealed under a new key (app/rekey.h: no copy left in backups), the address is no
  // longer confirmed, and the subject is marked erased and kept
  // for those purposes (domain/blocking.h): readable for them alone, with kSubjectsReadKept,
  // written by no one, and destroyed by retention when their term ends (app/retention.h).
  // Each kept field is audited as a block with its purpose, reason kept:<reason>. Conflict
  // (legal_hold), destroying nothing, while a legal hold on the subject lasts (app/holds.h).
  // The same transaction records the act of destruction (app/destruction_acts.h): method
  // crypto_shredding when nothing is kept, deletion otherwise; its extract is the events
  // this erasure appended.
  // When fields are kept, what is left is sealed under a new key (app/rekey.h).
  static Status EraseIn(const Kernel& k, ports::Transaction& txn, AuditWriter& audit,
                        const Actor& who, const RecipientNotices& notices, DestructionActs& acts,
                        const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                        std::string reason, UnixMicros now);
  // Inside a transaction: what erasing the subject of `row` at `now` would keep
  // (domain::KeptAtErasure), in field order.
  static Result<std::vector<domain::FieldPlan>> KeptAt(ports::Transaction& txn,
                                                       const domain::TenantPolicy& policy,
                                                       const ports::SubjectRow& row,
                                                       UnixMicros now);

  // Decrypts what Get or Find returned: only the fields of the read's purpose. DataLoss when a
  // value does not authenticate.
  Result<SubjectView> Open(const SealedSubject& subject) const;

 private:
  // Update's normalized values and blind-index hashes, before its transaction.
  Status NormalizeUpdate(const Actor& actor, const domain::TenantPolicy& policy,
                         const domain::FieldValues& set, domain::FieldValues& values,
                         std::map<std::string, Bytes>& index);
  // Inside an update's transaction that changed the subject's email address: marks it
  // unconfirmed and asks the new address's owner to confirm it.
  Status ReconfirmEmail(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                        const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                        const SecretBytes& key, const domain::FieldValues& values,
                        const std::map<std::string, Bytes>& index, UnixMicros now);
  // What a read may see: the purpose it names and the fields of it the reader may have (a
  // recipient's key: its projection, app/disclosures.h).
  struct ReadScope {
    const domain::Purpose* purpose = nullptr;
    std::vector<std::string> fields;
  };
  // A read's checks before its transaction, in the order their errors are reported: the
  // role, the tenant, the purpose it names, a processor's recipient.
  static Result<ReadScope> CheckRead(const Actor& actor, const ActivePolicy* active,
                                     const std::string& purpose);
  // Inside a read's transaction, `out.row` found: the ground, the fields it sees, blocks, the
  // disclosure to a recipient, the audit event.
  Status Admit(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
               const ActivePolicy& active, const domain::Purpose& purpose,
               const std::vector<std::string>& allowed, UnixMicros now, SealedSubject& out);
  // A read's refusal before any data was touched, audited as an extract for `purpose`.
  void RefuseRead(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
                  const domain::Purpose* purpose, const std::string& purpose_id, Error error,
                  Callback<SealedSubject> done);

  Kernel& k_;
  MailComposer& mail_;
  DestructionActs& acts_;
  RecipientNotices notices_{mail_};
  SourceNotices sources_{mail_};
};

}  // namespace konfid::app
