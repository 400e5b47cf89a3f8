// AccessReplies: the answer to a subject's access request (152-FZ Art. 14(7); GDPR Art. 15):
// everything the vault holds about one subject, decrypted, with the policy in force that says
// why and how it is processed, the consent ledger, the subject's requests and the disclosures
// made to recipients and authorities. Every field held appears, also
// one that no purpose may read today: it is held, so it is disclosed. Blocking does not hide
// data from its own subject.
//
// The reply is data; http/ writes it as JSON and text/access_reply.h as an HTML document in
// Russian or English. Building one is audited as an extract (reason access_reply).
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/disclosures.h"
#include "app/kernel.h"
#include "app/requests.h"
#include "domain/consent.h"

namespace konfid::app {

struct AccessReply {
  std::string tenant;
  std::string subject;
  UnixMicros generated_at = 0;
  int64_t policy_version = 0;
  std::shared_ptr<const domain::TenantPolicy> policy;  // the policy in force
  domain::FieldValues data;                            // every field held, decrypted
  std::string blocked;                                 // domain/blocking.h's text
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  UnixMicros email_verified_at = 0;
  std::map<std::string, domain::ConsentState> consents;  // per consent-based purpose
  std::vector<domain::ConsentEvent> consent_events;      // oldest first
  std::vector<RequestView> requests;                     // oldest first, with details
  std::vector<DisclosureView> disclosures;               // oldest first (app/disclosures.h)
};

// The purposes of the policy that use at least one field the subject's data holds.
std::vector<const domain::Purpose*> PurposesHeld(const AccessReply& reply);

class AccessReplies {
 public:
  // Each reference outlives the use case.
  AccessReplies(Kernel& kernel, const Requests& requests, const Disclosures& disclosures)
      : k_(kernel), requests_(requests), disclosures_(disclosures) {}

  // Staff build the reply to answer an access request received by letter, email or in
  // person: the subject must have one open (Conflict, no_access_request, otherwise), so that
  // no one extracts everything held about a person without a request to answer. Permission
  // kRequestsManage. NotFound for an unknown subject.
  void ForStaff(const Actor& actor, const std::string& subject, Callback<AccessReply> done);

  // Inside a transaction: the reply for the subject of `row`, audited as `who`.
  Result<AccessReply> BuildIn(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                              const ActivePolicy& active, const ports::SubjectRow& row,
                              UnixMicros now) const;

 private:
  // Inside ForStaff's transaction: Ok when the subject has an open access request.
  static Status CheckAccessRequested(ports::Transaction& txn, const std::string& tenant,
                                     const std::string& subject);

  Kernel& k_;
  const Requests& requests_;
  const Disclosures& disclosures_;
};

}  // namespace konfid::app
