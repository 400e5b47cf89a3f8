// ConsentExpiry: the consent ledger's record that a consent's term ran out. The expiry job
// (app/expiry.h) finds the candidates in read-only pages; this use case appends, in one
// transaction through the group committer, the events that are still due.
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/consent_signer.h"
#include "app/kernel.h"

namespace konfid::app {

// A consent the expiry job found past its term.
struct ExpiredConsent {
  std::string subject;
  std::string purpose;
};

class ConsentExpiry {
 public:
  // Each reference outlives the use case.
  ConsentExpiry(Kernel& kernel, ConsentSigner& signer) : k_(kernel), signer_(signer) {}

  // Appends an `expired` event (method retention, with its receipt and an audit event by
  // system:retention) for each consent in `found` whose term has passed and that is still
  // given: one renewed or withdrawn meanwhile is left alone. Returns the events appended;
  // NotFound for a tenant that is not configured, the committer's errors otherwise (nothing
  // is appended then).
  Result<size_t> Expire(const std::string& tenant, const std::vector<ExpiredConsent>& found);

 private:
  // Inside Expire's transaction: the event for one consent if it is due; whether it was.
  Result<bool> ExpireOne(ports::Transaction& txn, AuditWriter& audit, const ActivePolicy& active,
                         const std::string& tenant, const ExpiredConsent& consent, UnixMicros now);

  Kernel& k_;
  ConsentSigner& signer_;
};

}  // namespace konfid::app
