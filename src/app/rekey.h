// Rekey: the part of a destruction that reaches copies. When a destruction leaves some of a
// subject's data (fields kept for a legal obligation at an erasure, or a retention pass that
// takes only some), what is left is sealed under a new data key, and the new key takes the
// old one's place in the key store, in the destroying transaction. A copy of the data made
// before (a backup) holds the destroyed values sealed under the old key, which is then
// nowhere once the key store's own backups of it age out (docs/operations.md, "Backups"):
// the destroyed values go from every copy, as an erased subject's do.
//
// Sealed anew under the new key, each with its associated data unchanged (app/sealed_ads.h):
// the kept fields, their blob naming the key's next generation (domain/sealed_fields.h), so a
// restored copy that names an older one answers `erased`, not a failure to decrypt; the
// details of the subject's requests; and the documents of their holds and disclosures. Their
// pending messages, which may hold what was destroyed, are closed unsent (failed, with
// kClosedByDestruction as the error, the payload emptied), each audited as a denied use
// (reason cancelled:<kind>). Anything that does not open under
// the old key fails the transaction with DataLoss, and nothing is destroyed.
#pragma once

#include <string_view>

#include "app/audit_writer.h"
#include "app/kernel.h"
#include "domain/sealed_fields.h"
#include "ports/storage.h"

namespace konfid::app {

// The last_error of a message closed by a destruction.
inline constexpr std::string_view kClosedByDestruction =
    "cancelled: the subject's data was destroyed before it was sent";

// Inside the destroying transaction: writes `kept` (values of `row`, sealed under its current
// key) re-sealed under a new key as the subject's fields, and everything else the old key
// sealed, then replaces the key. A row whose key is gone (KeyIsGone) keeps its generation and
// its kept values as they are: nothing of it can be read, under any key.
Status RekeyKeeping(ports::Transaction& txn, AuditWriter& audit, const Kernel& k,
                    const ports::SubjectRow& row, const domain::SealedFields& kept);

// Whether the key store has no key for the data of `row`: the subject was erased, or some of
// its data destroyed, after the copy of the data it comes from was made (a restored backup).
// Other failures to open the key are errors.
Result<bool> KeyIsGone(const Kernel& k, const ports::SubjectRow& row);

}  // namespace konfid::app
