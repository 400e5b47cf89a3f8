// Blocks: a subject, or some of its fields, kept but not processed (domain/blocking.h) until a
// staff decision lifts the block: a staff read whose purpose uses a blocked field (by id or by
// lookup) is refused, and so are marketing sends and queued marketing mail. The subject's own
// access reply, one-time codes and confirmations, and writes that correct the data go on. A block
// is placed by staff, by a blocking request, or by a rectification claim while it is checked
// (app/requests.h). Each block and unblock is audited (operations block, unblock) in its own
// transaction.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <string>
#include <vector>

#include "app/kernel.h"
#include "app/recipient_notices.h"
#include "domain/blocking.h"

namespace konfid::app {

class Blocks {
 public:
  // Each reference outlives the use case.
  Blocks(Kernel& kernel, MailComposer& mail) : k_(kernel), notices_(mail) {}

  // Blocks `fields` of the subject, or the whole subject when `fields` is {"*"}; returns what
  // is blocked afterwards, and tells the recipients that received them
  // (app/recipient_notices.h). Permission kSubjectsBlock. NotFound for an unknown subject;
  // InvalidArgument (unknown_field) for a field the policy does not declare, (invalid_value)
  // for no field at all.
  void Block(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
             Callback<domain::Blocked> done);
  // Lifts staff's block of `fields`, or all of staff's blocks when `fields` is {"*"}; a
  // rectification's block of its fields stays until that request closes. The recipients of
  // the fields no block holds any more are told.
  void Unblock(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
               Callback<domain::Blocked> done);

  // Inside a transaction: adds `fields` ({"*"}: all) to the blocks `holder` holds of the
  // subject, or removes them (`lift`), and audits it as `who`. `holder` is "" for staff's
  // blocks (a staff decision or a blocking request) or a rectification request's id, whose
  // lift removes all it holds and nothing else (domain/blocking.h). `reason` says why on the
  // event (request:<id> when a request placed or lifted it; empty for a staff decision).
  // Returns what is blocked afterwards, by whomever.
  static Result<domain::Blocked> Change(ports::Transaction& txn, AuditWriter& audit,
                                        const Actor& who, const ports::SubjectRow& row,
                                        const std::vector<std::string>& fields, bool lift,
                                        const std::string& holder, const std::string& reason);
  // Inside a transaction: stops processing for `purposes` of the subject of `row`
  // (domain/blocking.h: reads and disclosures for them are refused, processing_stopped, and
  // retention no longer counts their hold), audited as `who` with one block event a purpose,
  // no fields, reason `reason`. Nothing lifts it: an objection upheld stays.
  static Status Stop(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                     const ports::SubjectRow& row,
                     const std::vector<const domain::Purpose*>& purposes,
                     const std::string& reason);
  // Of `asked` ({"*"}: every field of `row`), the fields no block holds any more once `after`
  // is what is blocked: those whose recipients are told the restriction is lifted.
  static Result<std::vector<std::string>> Released(const ports::SubjectRow& row,
                                                   const std::vector<std::string>& asked,
                                                   const domain::Blocked& after);
  // InvalidArgument unless `fields` is {"*"} or names fields of the policy's catalogue.
  static Status CheckFields(const domain::TenantPolicy& policy,
                            const std::vector<std::string>& fields);

 private:
  void Run(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
           bool lift, Callback<domain::Blocked> done);

  Kernel& k_;
  RecipientNotices notices_;
};

// Conflict, reason `blocked`: the subject or `field` is blocked.
Error BlockedError(const std::string& field);

}  // namespace konfid::app
