// RequestDigest: what tells the operator that requests are past their term. Overdue() counts
// them by tenant and kind for /metrics; the digest job mails the tenant's privacy contact (the
// policy's [operator] email) a list of the overdue requests once a local day, and only on days
// there are some. The list names request ids, kinds and due days: no personal data, so the
// message is stored unsealed (app/outbox.h). Two nodes send one digest a day between them: the
// day's mark is a token row that only one transaction can insert.
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/mail_composer.h"
#include "app/policy_store.h"
#include "app/requests.h"
#include "ports/storage.h"

namespace konfid::app {

struct OverdueCount {
  std::string tenant;
  std::string kind;
  uint64_t count = 0;
};

class RequestDigest {
 public:
  // Each reference outlives the job.
  RequestDigest(ports::Storage& storage, GroupCommitter& committer, const PolicyStore& policies,
                const Requests& requests, MailComposer& mail, ports::Crypto& crypto)
      : storage_(storage),
        committer_(committer),
        policies_(policies),
        requests_(requests),
        mail_(mail),
        crypto_(crypto) {}

  // Every tenant's open requests past their term at `now`, by kind (only kinds with some).
  Result<std::vector<OverdueCount>> Overdue(UnixMicros now);
  // One pass: queues today's digest for each tenant with overdue requests that has none yet.
  // Returns the digests queued.
  Result<size_t> RunOnce(UnixMicros now);

 private:
  // Inside the pass's transaction for one tenant: whether a digest was queued.
  Result<bool> QueueDigest(ports::Transaction& txn, AuditWriter& audit, const std::string& tenant,
                           UnixMicros now);

  ports::Storage& storage_;
  GroupCommitter& committer_;
  const PolicyStore& policies_;
  const Requests& requests_;
  MailComposer& mail_;
  ports::Crypto& crypto_;
};

}  // namespace konfid::app
