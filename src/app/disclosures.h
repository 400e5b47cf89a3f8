// Disclosures: a subject's data given to someone outside the vault, checked against the policy
// and recorded (docs/disclosures.md).
//
// Staff disclose (POST /v1/disclosures) either to a recipient the policy declares, for one of
// its purposes, on the ground that purpose rests on, and then only the fields both the
// recipient and the purpose are given (the recipient's projection); or, on a document ground
// (an authority's request, the protection of the operator's rights), the fields the document
// asks for, to the body named, with the document recorded. A recipient bound API key
// (a processor's) reads through Subjects, which records its reads here as well.
//
// Each subject's disclosure is a row (ports::DisclosureRow: names of fields, never values; the
// document sealed under the subject's key) and an audit event (operation transfer) in one
// transaction; a refusal is audited too. The subject sees their list in the access reply, staff
// list them all (GET /v1/disclosures).
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/kernel.h"
#include "domain/disclosure.h"

namespace konfid::app {

// The field names of a stored disclosure, and how they are stored.
std::vector<std::string> DisclosedFields(const ports::DisclosureRow& row);
std::string JoinFieldNames(const std::vector<std::string>& fields);
// Inside a transaction: every disclosure of one subject, oldest first, read a page at a time.
Result<std::vector<ports::DisclosureRow>> SubjectDisclosures(ports::Transaction& txn,
                                                             const std::string& tenant,
                                                             const std::string& subject);

// What staff ask to disclose.
struct DisclosureOrder {
  std::string recipient;              // the policy's; empty with a document ground
  std::string purpose;                // one the recipient serves; empty with a document ground
  std::vector<std::string> subjects;  // 1 to Disclosures::kMaxSubjects ids, each once
  std::string ground;                 // domain::DisclosureGroundName
  // The fields asked for: with a recipient, empty means its whole projection, and a field
  // outside it is refused; with a document ground, required.
  std::vector<std::string> fields;
  std::optional<domain::DisclosureDocument> document;  // with a document ground only
};

// A disclosure made, values still sealed: Disclosures::Open decrypts them after the commit.
struct SealedDisclosure {
  struct Subject {
    std::string disclosure_id;
    ports::SubjectRow row;
    std::vector<std::string> fields;  // disclosed: asked for and held
  };
  std::vector<Subject> subjects;  // in the order asked
  UnixMicros time = 0;
};

struct DisclosedSubject {
  std::string disclosure_id;
  std::string subject;
  domain::FieldValues fields;
};

// A recorded disclosure, as listed.
struct DisclosureView {
  std::string id;
  std::string subject;
  std::string recipient;  // empty for an authority
  std::string purpose;    // empty for an authority
  std::vector<std::string> fields;
  std::string ground;
  std::string actor;
  UnixMicros time = 0;
  // The document, opened with the subject's key; nullopt without one or once the subject is
  // erased (`document_erased` then says so).
  std::optional<domain::DisclosureDocument> document;
  bool document_erased = false;
};

class Disclosures {
 public:
  static constexpr size_t kMaxSubjects = 100;
  static constexpr size_t kMaxListed = 200;

  // `kernel` outlives the use case.
  explicit Disclosures(Kernel& kernel) : k_(kernel) {}

  // Permission kDisclosuresMake. InvalidArgument for a malformed order (unknown_ground,
  // unknown_recipient, unknown_field, invalid_value, document_required); PermissionDenied when
  // the policy does not allow it (recipient_purpose: the recipient does not serve the purpose;
  // ground_not_declared: the purpose rests on another ground; field_not_disclosed: a field
  // outside the recipient's projection); NotFound for an unknown subject; ConsentRequired
  // when a subject's consent to the purpose is not live; Conflict (blocked) when a field is
  // blocked (not for a document ground: a blocked subject's data still answers a court). One
  // refused subject refuses the whole order, and nothing is disclosed.
  void Disclose(const Actor& actor, DisclosureOrder order, Callback<SealedDisclosure> done);
  // Decrypts what Disclose returned. DataLoss when a value does not authenticate.
  Result<std::vector<DisclosedSubject>> Open(const SealedDisclosure& made) const;

  // Staff's list (permission kDisclosuresRead), oldest first, at most kMaxListed a page.
  void List(const Actor& actor, ports::DisclosureFilter filter,
            Callback<std::vector<DisclosureView>> done);
  // Inside a transaction: the disclosures of one subject, oldest first, documents opened
  // with the key of `row` (nullptr: the subject is erased).
  Result<std::vector<DisclosureView>> OfSubject(ports::Transaction& txn, const std::string& tenant,
                                                const std::string& subject,
                                                const ports::SubjectRow* row) const;

  // Inside a read's transaction: records that `who`, bound to recipient `recipient`, read
  // `fields` of `subject` for `purpose`.
  static Status RecordRead(Kernel& kernel, ports::Transaction& txn, const Actor& who,
                           const domain::Purpose& purpose, const std::string& subject,
                           const std::vector<std::string>& fields, UnixMicros now);

 private:
  // The checks that need no data; returns the fields to disclose.
  Result<std::vector<std::string>> CheckOrder(const domain::TenantPolicy& policy,
                                              const DisclosureOrder& order) const;
  Result<DisclosureView> View(const ports::DisclosureRow& row,
                              const ports::SubjectRow* subject) const;

  Kernel& k_;
};

// The recipient a bound key reads for, and the fields of `purpose` it may see: the recipient
// must serve the purpose. PermissionDenied: recipient_required (a processor's key bound to no
// recipient), recipient_unknown (the policy no longer declares it), recipient_purpose.
Result<std::vector<std::string>> RecipientProjection(const Actor& actor,
                                                     const domain::TenantPolicy& policy,
                                                     const domain::Purpose& purpose);

}  // namespace konfid::app
