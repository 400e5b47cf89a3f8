// Retention that destroys: the use case that applies the retention plan (domain/retention.h)
// to a batch of subjects, and the job that walks every tenant's subjects in pages and hands
// it the ones with something due.
//
// For each subject, in one transaction of the group committer, the plan is made again from
// the stored row and the consent ledger: each field no purpose holds any more is destroyed
// (its sealed value and its blind-index entry deleted; the email's confirmation with the
// email), and a subject left with nothing is erased as DELETE erases it. A subject with an
// open data-subject request keeps everything until the request is answered. A field under a
// block is kept, blocked, until the block is lifted: it is held for the dispute or the check
// the block stands for. Each subject changed gets one audit event (destroy, by
// system:retention, naming the fields, reason `retention`), each recipient that received
// a destroyed field is told (app/recipient_notices.h), and an act of destruction is recorded
// (app/destruction_acts.h): reason consent_withdrawn when a withdrawn consent let a field go,
// retention_expired otherwise, with the purposes as its detail; method
// crypto_shredding when the subject is erased, deletion otherwise.
//
// `on_expiry = "depersonalize"` destroys too: Konfid keeps no depersonalized copy yet, and
// destruction is what the law asks when depersonalization is not done.
//
// The job works in bounded pages (each its own read transaction, then one write transaction
// for the subjects it found due), so it runs on a database of millions without long
// transactions; it keeps its place in the meta table (`retention_cursor`), so that a pass cut
// short resumes where it stopped; and it is idempotent: a pass over what an earlier one did
// finds nothing due.
//
// Thread-safe.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "app/destruction_acts.h"
#include "app/kernel.h"
#include "app/policy_store.h"
#include "app/recipient_notices.h"
#include "domain/blocking.h"
#include "domain/retention.h"
#include "ports/storage.h"

namespace konfid::app {

// What retention did.
struct RetentionReport {
  size_t subjects = 0;           // looked at
  size_t fields_destroyed = 0;   // in subjects that stay
  size_t subjects_erased = 0;    // left with nothing, so erased
  size_t kept_blocked = 0;       // fields due but blocked, so kept
  size_t kept_for_requests = 0;  // subjects with something due, kept while a request is open
  size_t failed = 0;             // subjects whose row could not be read or changed: skipped
  size_t acts_pruned = 0;        // acts of destruction past their three years, deleted
};

// How long an act of destruction is kept (Order 179: three years from the destruction).
inline constexpr int64_t kActMonths = 36;

// A subject the job skipped because its row is unreadable (DataLoss, InvalidArgument): the
// pass goes on past it, and it is tried again on the next pass. Free of personal data: the
// subject's id is in its audit event (destroy, failed), not here.
struct RetentionFailure {
  std::string tenant;
  Error error;
};

// One subject's retention plan as it stands (GET /v1/subjects/{id}/retention).
struct RetentionSchedule {
  std::vector<domain::FieldPlan> fields;  // each field held, in name order
  domain::Blocked blocked;                // what a block or a legal hold keeps past its `until`
  std::set<std::string> kept;             // erased: the legal obligations what is left is kept for
};

class Retention {
 public:
  // Each reference outlives the use case.
  Retention(Kernel& kernel, MailComposer& mail, DestructionActs& acts)
      : k_(kernel), acts_(acts), notices_(mail) {}

  // Applies the plan at `now` to each of `subjects` of `tenant` (ids that are gone are
  // skipped), and writes `cursor` as the job's place in the same transaction when it is set.
  // NotFound for a tenant that is not configured; the committer's errors otherwise (nothing
  // is destroyed then).
  Result<RetentionReport> Apply(const std::string& tenant, const std::vector<std::string>& subjects,
                                UnixMicros now, const std::string* cursor = nullptr);
  // Deletes the acts of destruction of every tenant made kActMonths or more before `now`, in
  // transactions of at most `batch` acts; returns how many.
  Result<size_t> PruneActs(UnixMicros now, size_t batch = 1000);
  // Writes the job's place alone (a page with nothing due).
  Status SavePlace(const std::string& cursor);
  // Audits that the job skipped `subject` of `tenant` for `error` (destroy, failed).
  Status RecordFailure(const std::string& tenant, const std::string& subject, const Error& error);
  // Until when each field the subject holds is kept, for which purpose, and what happens
  // then (no values). Permission kSubjectsRead; audited as an extract of `retention`.
  // NotFound for an unknown subject.
  void Schedule(const Actor& actor, const std::string& subject, Callback<RetentionSchedule> done);
  // The site's word that the subject's contract for `purpose` ended (`ended`), or goes on
  // again: a purpose counted from a contract's end keeps its fields for its retention from
  // that time. Permission kSubjectsUpdate. InvalidArgument, reason unknown_purpose, or
  // not_contract_purpose for a purpose whose term is not counted from a contract's end;
  // NotFound for an unknown subject. Audited as an update, reason contract_ended:<purpose>
  // or contract_resumed:<purpose>. Returns the end recorded (0: the contract goes on).
  void EndContract(const Actor& actor, const std::string& subject, const std::string& purpose,
                   bool ended, Callback<UnixMicros> done);

 private:
  // Inside Apply's transaction: one subject.
  Status ApplyOne(ports::Transaction& txn, AuditWriter& audit, const ActivePolicy& active,
                  const std::string& tenant, const std::string& subject, UnixMicros now,
                  RetentionReport& report);

  Kernel& k_;
  DestructionActs& acts_;
  RecipientNotices notices_;
};

// The fields of one subject that are due at `now` by the plan, and those of them a block
// keeps. Shared by the job's read pass and Retention's write.
struct DueFields {
  std::vector<std::string> destroy;
  std::vector<std::string> kept_blocked;
  size_t held = 0;  // fields the subject holds
  // The purposes whose end lets `destroy` go, in name order (none for a field no purpose
  // lists), and whether the subject withdrew the consent of one of them.
  std::set<std::string> purposes;
  bool withdrawn = false;
};
Result<DueFields> FindDue(ports::Transaction& txn, const ActivePolicy& active,
                          const ports::SubjectRow& row, UnixMicros now);

class RetentionJob {
 public:
  RetentionJob(ports::Storage& storage, const PolicyStore& policies, Retention& retention,
               size_t page = 500);

  // One pass over every tenant's subjects from where the last one stopped, to the end. A
  // subject whose row cannot be read or changed is skipped, audited and reported (failed; the
  // callback of OnFailure hears of each); any other error stops the pass where it is. A pass
  // that reaches the end then deletes the acts of destruction past their term (PruneActs).
  Result<RetentionReport> RunOnce(UnixMicros now);
  // Called for each subject a pass skips, on the pass's thread.
  void OnFailure(std::function<void(const RetentionFailure&)> fn) { on_failure_ = std::move(fn); }

 private:
  struct Fault {
    std::string tenant, subject;
    Error error;
  };
  // The page's due subjects of `tenant` applied in one transaction, or, when a row of them
  // fails, one by one (the failing ones joining `faults`).
  Status ApplyPage(const std::string& tenant, const std::vector<std::string>& subjects,
                   UnixMicros now, const std::string* cursor, RetentionReport& total,
                   std::vector<Fault>& faults);
  // Audits and reports the page's faults, and clears them.
  Status RecordFaults(std::vector<Fault>& faults, RetentionReport& total);

  ports::Storage& storage_;
  const PolicyStore& policies_;
  Retention& retention_;
  size_t page_;
  std::function<void(const RetentionFailure&)> on_failure_;
};

}  // namespace konfid::app
