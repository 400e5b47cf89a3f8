// Legal holds (docs/retention.md): staff keep a subject's data, or some of its fields, for a
// dispute or an authority's request, named by its document, until an end date. While a hold
// is live (not lifted, its last day not over) the subject is not erased (a DELETE or an
// erasure request done answers 409 legal_hold, and nothing is destroyed) and the retention
// job destroys none of the fields it names; reads and writes go on (a block restricts them,
// app/blocks.h). Placing and lifting are audited (hold_placed, hold_lifted; reason
// hold:<id>), each in its own transaction. The document is sealed under the subject's key.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/kernel.h"
#include "domain/disclosure.h"

namespace konfid::app {

struct HoldOrder {
  std::string reason;  // dispute or authority_request
  std::optional<domain::DisclosureDocument> document;
  std::string until;                // YYYY-MM-DD: the hold's last day (UTC)
  std::vector<std::string> fields;  // {"*"} (the default): the whole subject
};

struct HoldView {
  std::string id;
  std::string subject;
  std::string reason;
  std::vector<std::string> fields;                     // {"*"}, or the names in order
  std::optional<domain::DisclosureDocument> document;  // nullopt when it cannot be opened
  UnixMicros until = 0;                                // the end: the day after the last
  std::string placed_by;
  UnixMicros placed_at = 0;
  std::string lifted_by;  // empty while not lifted
  UnixMicros lifted_at = 0;
  bool LiveAt(UnixMicros now) const { return lifted_at == 0 && now < until; }
};

class Holds {
 public:
  static constexpr int kMaxYears = 10;  // the latest end a hold may have, from today

  // `kernel` outlives the use case.
  explicit Holds(Kernel& kernel) : k_(kernel) {}

  // Places a hold. Permission kSubjectsHold. InvalidArgument (invalid_value) for an unknown
  // reason, no document or one the disclosures would refuse, a last day that is not a date
  // from today to kMaxYears ahead; (unknown_field) for a field the policy does not declare.
  // NotFound for an unknown subject.
  void Place(const Actor& actor, const std::string& subject, HoldOrder order,
             Callback<HoldView> done);
  // Lifts a live hold before its end; the view returned has no document. NotFound
  // (no_such_hold) for one that is not the subject's or was lifted already.
  void Lift(const Actor& actor, const std::string& subject, const std::string& hold,
            Callback<HoldView> done);
  // The subject's holds, oldest first, with their documents: an audited read (extract of
  // "holds").
  void List(const Actor& actor, const std::string& subject, Callback<std::vector<HoldView>> done);

  // Inside a transaction: the subject's holds live at `now`, without their documents.
  static Result<std::vector<HoldView>> Live(ports::Transaction& txn, const std::string& tenant,
                                            const std::string& subject, UnixMicros now);
  // Conflict, reason legal_hold: the subject cannot be erased while `live` (not empty) lasts.
  static Error Refusal(const std::vector<HoldView>& live);

 private:
  HoldView Open(const ports::SubjectRow* subject, const ports::HoldRow& row) const;

  Kernel& k_;
};

}  // namespace konfid::app
