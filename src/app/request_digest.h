// RequestDigest: what tells the operator that requests are past their term, or have none.
// Terms() counts them by tenant (and kind) for /metrics; the digest job mails the tenant's
// privacy contact (the policy's [operator] email) once a local day, on days there are overdue
// requests or open ones without a term (received when no production calendar covered their
// term). The list names request ids, kinds and due days: no personal data, so the message is
// stored unsealed (app/outbox.h). Two nodes send one digest a day between them: the day's
// mark is a token row that only one transaction can insert. One tenant's failure stops
// neither the other tenants' counts nor their digests.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/mail_composer.h"
#include "app/policy_store.h"
#include "app/requests.h"
#include "ports/storage.h"

namespace konfid::app {

// One tenant's open requests, as /metrics shows them.
struct TenantRequestTerms {
  std::string tenant;
  // Past their term, for every request kind (zeros included, so that a series never vanishes).
  std::vector<std::pair<std::string, uint64_t>> overdue;
  uint64_t without_term = 0;   // open, with no term: no calendar covered it
  std::optional<Error> error;  // the count failed; the counts above are then empty
};

// What one pass of the digest job did.
struct DigestPass {
  size_t queued = 0;  // digests queued
  size_t terms = 0;   // requests given a term they lacked
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

  // Every tenant's counts at `now`, each from its own read transaction.
  std::vector<TenantRequestTerms> Terms(UnixMicros now);
  // One pass, for each tenant in a transaction of its own: gives a term to the open requests
  // without one that the calendar now reaches (Requests::FillTerms), then queues today's
  // digest if there are overdue requests, or open ones still without a term, and none was
  // sent today. After a tenant fails the pass goes on to the others and then returns the
  // first failure.
  Result<DigestPass> RunOnce(UnixMicros now);

 private:
  // One tenant's counts for Terms().
  Status CountTerms(const std::string& tenant, UnixMicros now, TenantRequestTerms& terms);
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
