// RecipientNotices: tells the recipients that received a subject's data that it was corrected,
// restricted (blocked), released from a restriction or erased, so that they do the same with their
// copy (152-FZ Art. 20(3), 21(1)-(3); GDPR Art. 19). Each recipient of the policy that received any
// of the changed fields (app/disclosures.h records who received what) and has a `notify_email` gets
// one message through the outbox, in the transaction of the change.
//
// A notice names the subject by its id and the fields by their labels, never a value: it is a
// staff message (unsealed, app/outbox.h), so that it still goes out after an erasure. The
// recipient reads the corrected values through its own API key (app/disclosures.h). Queuing
// one is audited (operation use, reason recipient_notice:<recipient>:<change>); a recipient
// that cannot be told (no notify_email, or no longer in the policy) is a failed event with the
// reason's suffix :no_notify_email or :undeclared, so that staff find whom to tell themselves.
//
// Thread-safe: no state of its own.
#pragma once

#include <string>
#include <vector>

#include "app/audit_writer.h"
#include "app/mail_composer.h"

namespace konfid::app {

enum class DataChange { kCorrected, kRestricted, kUnrestricted, kErased };
// corrected, restricted, unrestricted, erased
std::string_view DataChangeName(DataChange change);

class RecipientNotices {
 public:
  // `mail` outlives this.
  explicit RecipientNotices(MailComposer& mail) : mail_(mail) {}

  // Inside the change's transaction: one notice to each recipient with a notify_email that
  // received one of `fields` ({"*"}: any) of the subject, naming those it received. Returns
  // how many were queued.
  Result<size_t> Queue(ports::Transaction& txn, AuditWriter& audit,
                       const domain::TenantPolicy& policy, const std::string& tenant,
                       const std::string& subject, DataChange change,
                       const std::vector<std::string>& fields, UnixMicros now) const;

 private:
  MailComposer& mail_;
};

}  // namespace konfid::app
