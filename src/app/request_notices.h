// RequestNotices: tells a subject by email what became of their request (text/request_news.h):
// received, with its term; extended, with the reasons and the new term; done; or refused, with
// the reasons and where to challenge the refusal (152-FZ Art. 14(3), 20, 21; GDPR Art. 12(3)-(4)).
// One message through the outbox, in the transaction of the change, to the subject's confirmed
// email address, sealed under the subject's key; moving a request to in_progress tells nothing.
// The news that an erasure is done goes after the subject's key is destroyed: it is queued as
// kind erasure_done, sealed under the tenant's outbox key (Keyring::OutboxKey), and its payload
// is wiped once it is sent or has failed for good (app/outbox.h).
//
// It serves the subject's rights, so a block does not stop it (app/blocks.h). A subject
// without a confirmed address is answered by the channel the request came through: queuing
// nothing is then audited as a denied use, reason request_update:unconfirmed, so that staff
// see whom they must tell themselves. So is an address an open rectification claims is wrong
// (it may be someone else's), reason request_update:disputed: the news of that claim, and of any
// request while it is open, goes by the request's channel. A queued message is audited as a use
// of the email field, reason request_update:<state>.
//
// Thread-safe: no state of its own.
#pragma once

#include "app/audit_writer.h"
#include "app/kernel.h"
#include "app/mail_composer.h"
#include "text/request_news.h"

namespace konfid::app {

class RequestNotices {
 public:
  // `mail` outlives this.
  explicit RequestNotices(MailComposer& mail) : mail_(mail) {}

  // Inside the change's transaction: the news of a request of the subject of `row`, as `who`.
  // Returns whether a message was queued.
  Result<bool> Queue(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                     const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                     const text::RequestNews& news, UnixMicros now) const;

 private:
  MailComposer& mail_;
};

}  // namespace konfid::app
