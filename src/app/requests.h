// Requests: a data-subject's requests (access, rectification, blocking, erasure, objection to
// marketing, stop processing, withdrawal of consent), filed by staff on the subject's behalf or
// by the subject through a self session (app/self_service.h), each with the legal term it is
// due in (domain/deadlines.h), moved through its states by staff, and listed in the staff
// queue. Every filing and every move is audited in the transaction that makes it.
//
// Filing takes effect at once where the law asks for it:
//   rectification  the claimed fields are blocked until the request is closed (152-FZ
//                  Art. 21(1)): correct them with an update, then close the request;
//   blocking       the named fields, or the whole subject, are blocked until a staff decision
//                  lifts the block (Blocks::Unblock), and the request is done;
//   objection      every live consent to a marketing purpose is withdrawn, with receipts, and
//                  the request is done;
//   withdrawal     every live consent named (or all of them) is withdrawn, and it is done.
// Closing one as done takes effect too: a stop_processing withdraws every live consent (152-FZ
// Art. 21(5.1): processing on consent stops; what another ground allows goes on, and the
// subject is told so); an erasure destroys the subject as DELETE does (which needs permission
// kSubjectsDelete as well), after its news is queued under the tenant's outbox key, so that
// the confirmation reaches the address that is destroyed with it. The subject is told of each
// filing, extension and closing by email (app/request_notices.h).
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/consent_signer.h"
#include "app/destruction_acts.h"
#include "app/kernel.h"
#include "app/recipient_notices.h"
#include "app/request_notices.h"
#include "domain/requests.h"
#include "ports/time_zone.h"

namespace konfid::app {

// What a request says. Sealed under the subject's data key: it may hold personal data.
struct RequestDetails {
  std::string text;                   // the request in the subject's words
  std::string document;               // how staff identified the subject (letter, visit)
  std::vector<std::string> fields;    // the fields it concerns (rectification, blocking)
  std::vector<std::string> purposes;  // the consents it withdraws (withdrawal; empty: all)
  std::string reason;                 // of the refusal or the extension
  std::string ground;                 // of the refusal: the provision of law it rests on
};

struct RequestView {
  std::string id;
  std::string subject;
  domain::RequestKind kind = domain::RequestKind::kAccess;
  domain::RequestState state = domain::RequestState::kReceived;
  domain::RequestChannel channel = domain::RequestChannel::kSelf;
  std::string received_on;     // YYYY-MM-DD in the tenant's time zone
  std::string due_on;          // the term's last day; empty when no calendar reaches it
  std::string deadline_error;  // then "calendar_unknown": the operator must ship the year
  std::string source;          // the article the term rests on
  bool overdue = false;        // open, and due_on is before today
  bool extendable = false;     // open, not extended yet, and the term allows it
  std::vector<domain::RequestStep> history;
  std::optional<RequestDetails> details;  // absent in the queue, which shows no personal data
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

struct NewRequest {
  std::string subject;
  domain::RequestKind kind = domain::RequestKind::kAccess;
  domain::RequestChannel channel = domain::RequestChannel::kSelf;
  RequestDetails details;
};

// A staff decision on a request: its next state, why (an extension or a refusal), and, for a
// refusal, the provision of law it rests on (152-FZ Art. 20(2), e.g. "part 8 of Article 14").
struct RequestMove {
  domain::RequestState to = domain::RequestState::kInProgress;
  std::string reason;
  std::string ground;
};

struct RequestQuery {
  std::optional<domain::RequestState> state;
  std::optional<domain::RequestKind> kind;
  bool overdue_only = false;
  bool without_term_only = false;  // open requests no calendar gave a term
  std::string after;               // the last id of the previous page
  size_t limit = 50;               // 1..500
};

struct RequestPage {
  std::vector<RequestView> requests;
  std::string next;  // the `after` of the next page; empty on the last
};

class Requests {
 public:
  // Each reference outlives the use case. `calendar` is the Russian production calendar.
  Requests(Kernel& kernel, ConsentSigner& signer, MailComposer& mail, DestructionActs& acts,
           const domain::WorkingCalendar& calendar, const ports::TimeZones& zones)
      : k_(kernel),
        signer_(signer),
        acts_(acts),
        notices_(mail),
        news_(mail),
        calendar_(calendar),
        zones_(zones) {}

  // Staff files a request on the subject's behalf (channel letter, email or in_person; the
  // document that identified them is required). Permission kRequestsManage. NotFound for an
  // unknown subject; InvalidArgument for a missing document, a field the policy does not
  // declare (rectification, blocking: at least one, or "*" for the whole subject when
  // blocking), or a purpose that is not consent-based (withdrawal).
  void File(const Actor& actor, NewRequest request, Callback<RequestView> done);
  // One request with its details. Permission kRequestsRead. NotFound for another tenant's.
  void Get(const Actor& actor, const std::string& id, Callback<RequestView> done);
  // Staff moves a request: in_progress, extended (once, with a reason, within the
  // first term; InvalidArgument not_extendable when its term has none or has passed), done, or
  // refused (with a reason and its legal ground; InvalidArgument reason_required or
  // ground_required without them, and a ground on any other move). Conflict (invalid_transition)
  // for a move the workflow does not allow. Closing a rectification (done or refused) lifts the
  // blocks of its fields. Closing an erasure as done erases the subject, in the same
  // transaction, and needs kSubjectsDelete too (PermissionDenied without it). A request of an
  // erased subject still moves; its details, sealed under the destroyed key, are gone, and a
  // reason given then is not kept. Permission kRequestsManage.
  void Move(const Actor& actor, const std::string& id, RequestMove move,
            Callback<RequestView> done);
  // The staff queue, without details, oldest first. Permission kRequestsRead.
  void Queue(const Actor& actor, const RequestQuery& query, Callback<RequestPage> done);

  // What filing `request` needs, checked before its transaction (File does it itself).
  static Status Check(const domain::TenantPolicy& policy, const NewRequest& request);
  // Inside a transaction: files `request` for the subject of `row` (already read in it) and
  // audits it as `who`. For the self routes and File.
  Result<RequestView> FileIn(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                             const ActivePolicy& active, const ports::SubjectRow& row,
                             const NewRequest& request, UnixMicros now);
  // Inside a transaction: the subject's requests with their details, oldest first.
  Result<std::vector<RequestView>> ForSubject(ports::Transaction& txn, const ActivePolicy& active,
                                              const ports::SubjectRow& row, UnixMicros now) const;

  // The tenant's open requests past their term, by kind name (for /metrics and the digest).
  Result<std::vector<std::pair<std::string, uint64_t>>> Overdue(ports::Transaction& txn,
                                                                const std::string& tenant,
                                                                UnixMicros now) const;
  // Inside a transaction: gives a term to the tenant's open requests that have none, where the
  // calendar now reaches it (a year installed since they were filed). Returns how many got
  // one. Only the due day changes: the request is not moved or audited.
  Result<size_t> FillTerms(ports::Transaction& txn, const std::string& tenant,
                           UnixMicros now) const;
  // The day `at` falls on where the tenant's operator is.
  Result<domain::Date> LocalDay(const domain::TenantPolicy& policy, UnixMicros at) const;

 private:
  // A stored request as the API shows it; `key` opens its details (null: leave them out).
  Result<RequestView> View(const domain::TenantPolicy& policy, const ports::RequestRow& row,
                           const SecretBytes* key, UnixMicros now) const;
  // Inside FileIn: what the kind does at once (blocks, withdrawals); whether it is done.
  Result<bool> TakeEffect(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                          const ActivePolicy& active, const ports::SubjectRow& row,
                          const NewRequest& request, const std::string& id, UnixMicros now);
  // Inside MoveIn: what a move does beyond the request itself: closing a rectification lifts
  // its blocks (and tells the recipients), closing a stop_processing as done withdraws every
  // live consent.
  Status MoveEffect(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                    const ActivePolicy& active, const ports::SubjectRow& subject,
                    const RequestView& view, const RequestDetails& details, domain::RequestState to,
                    UnixMicros now);
  // Inside FileIn and MoveIn: tells the subject of `row` the new state of `view`, unless it is
  // in_progress (app/request_notices.h).
  Status Tell(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
              const domain::TenantPolicy& policy, const ports::SubjectRow& row,
              const RequestView& view, UnixMicros now) const;
  // Inside Move's transaction.
  Result<RequestView> MoveIn(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                             const ActivePolicy& active, const std::string& id,
                             const RequestMove& move, UnixMicros now);

  Kernel& k_;
  ConsentSigner& signer_;
  DestructionActs& acts_;
  RecipientNotices notices_;
  RequestNotices news_;
  const domain::WorkingCalendar& calendar_;
  const ports::TimeZones& zones_;
};

}  // namespace konfid::app
