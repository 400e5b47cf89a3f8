// SourceNotices: tells a subject that the operator received their data from someone else
// (152-FZ Art. 18(3)), in the transaction of the write that first stores a field the policy
// declares with source third_party (text/source_notice.h words it), unless the policy names
// the exemption of Art. 18(4) that spares it (the field's notice_exempt). One message through the
// outbox, to the subject's email address, sealed under the subject's key, kind source_notice;
// audited as a use of the email field, reason source_notice.
//
// The law asks for the notice before processing, to the subject the operator knows, so it goes
// to an address not yet confirmed too, as a confirmation mail does: whoever reads it learns
// which operator holds data about that address's owner and from whom, and no value of them. A
// subject with no address, or whose address an open rectification disputes, is not mailed: the
// audit records a denied use, reason source_notice:no_address or source_notice:disputed, and
// staff tell them by other means. A block does not stop the notice: it serves the subject's
// rights.
//
// Thread-safe: no state of its own.
#pragma once

#include <string>
#include <vector>

#include "app/audit_writer.h"
#include "app/kernel.h"
#include "app/mail_composer.h"

namespace konfid::app {

class SourceNotices {
 public:
  // `mail` outlives this.
  explicit SourceNotices(MailComposer& mail) : mail_(mail) {}

  // Of `written`, the fields the policy declares as received from a third party, but for
  // those it exempts from the notice (notice_exempt: 152-FZ Art. 18(4), domain/field.h).
  static std::vector<std::string> Received(const domain::TenantPolicy& policy,
                                           const std::vector<std::string>& written);

  // Inside the write's transaction, after it stored `fields` (Received's) for the subject of
  // `row` as it now is: the notice, as `who`. Returns whether a message was queued.
  Result<bool> Queue(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                     const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                     const std::vector<std::string>& fields, UnixMicros now) const;

 private:
  MailComposer& mail_;
};

}  // namespace konfid::app
