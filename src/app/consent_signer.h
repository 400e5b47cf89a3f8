// ConsentSigner: a consent event made ready for the ledger, with the hash of the exact text
// the visitor was shown (by policy version, purpose and language) and its receipt signed with
// the tenant's Ed25519 key (app/receipts.h). Every use case that appends consent events uses
// it: consents, registrations, marketing's unsubscribe, policy notices, consent expiry; most
// append the event through it too, with its audit event.
//
// Thread-safe: the cache of text hashes is guarded (a published version's texts never change).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "app/kernel.h"

namespace konfid::app {

class ConsentSigner {
 public:
  // `kernel` outlives the signer.
  explicit ConsentSigner(Kernel& kernel) : kernel_(kernel) {}

  // Inside a transaction: the event with the hash of its version's consent text in `lang`
  // (kept when the event carries one already) and its signed receipt, ready to insert.
  // InvalidArgument (unknown_policy_version) when that version has no such text; Internal
  // when the tenant has no receipt key.
  Result<ports::ConsentEventRow> Signed(ports::Transaction& txn, const domain::TenantPolicy& policy,
                                        const std::string& tenant, const std::string& subject,
                                        domain::ConsentEvent event, const std::string& lang);
  // The receipt of an event whose text hash is set: no storage needed, so it can be signed
  // before the transaction.
  Result<ports::ConsentEventRow> Sign(const domain::TenantPolicy& policy, const std::string& tenant,
                                      const std::string& subject, domain::ConsentEvent event,
                                      const std::string& lang);
  // Inside a transaction: the event signed (as Signed), appended to the ledger, and its audit
  // event (operation `op` by `who`). Returns the event as stored.
  Result<domain::ConsentEvent> Append(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                      domain::Operation op, const domain::TenantPolicy& policy,
                                      const std::string& subject, domain::ConsentEvent event,
                                      const std::string& lang);
  // Inside a transaction: withdraws the subject's consent to `purpose` (an event with `method`,
  // appended as Append does) if it is given now; false, appending nothing, when it is not: a
  // second withdrawal has the same effect as the first.
  Result<bool> Withdraw(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                        const ActivePolicy& active, const std::string& subject,
                        const std::string& purpose, const std::string& method, UnixMicros now);
  // The hash of a consent text that Signed has read before; "" otherwise.
  std::string CachedTextHash(const std::string& tenant, int64_t version, const std::string& purpose,
                             const std::string& lang);

 private:
  Kernel& kernel_;
  std::mutex text_mu_;
  // The hash of each consent text by tenant, version, purpose and language.
  std::map<std::string, std::string, std::less<>> text_hashes_;
};

}  // namespace konfid::app
