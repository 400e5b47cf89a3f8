// The consent expiry job: when a consent's term (its purpose's retention, counted from when
// it was given or renewed) has passed, appends an `expired` event to the ledger, so that the
// ledger records the end of every consent and not only a state derived at read time. Reads
// and sends stop at the end of the term whether or not the job has run yet
// (domain::DeriveConsents).
//
// A pass reads the tenant's consent subjects page by page on a read transaction (off the
// group committer) and hands only the consents it found expired to ConsentExpiry::Expire,
// which checks each again in the write transaction.
#pragma once

#include "app/consent_expiry.h"
#include "app/policy_store.h"
#include "ports/storage.h"

namespace konfid::app {

class ExpiryJob {
 public:
  ExpiryJob(ports::Storage& storage, const PolicyStore& policies, ConsentExpiry& expiry,
            size_t page = 500);

  // One pass over every tenant: the consents whose term ended by `now`. Returns the expired
  // events appended.
  Result<size_t> RunOnce(UnixMicros now);

 private:
  ports::Storage& storage_;
  const PolicyStore& policies_;
  ConsentExpiry& expiry_;
  size_t page_;
};

}  // namespace konfid::app
