#include "app/rekey.h"

#include "app/outbox.h"
#include "app/sealed_ads.h"
#include "core/secret_bytes.h"

namespace konfid::app {
namespace {

// Opens `sealed` under `from` and seals it under `to`, with the same associated data.
class Resealer {
 public:
  Resealer(ports::Crypto& crypto, const SecretBytes& from, const SecretBytes& to)
      : crypto_(crypto), from_(from), to_(to) {}

  Result<Bytes> operator()(const Bytes& sealed, const std::string& ad) const {
    KONFID_ASSIGN_OR_RETURN(std::string plain, crypto_.Open(from_, sealed, ad));
    Bytes out = crypto_.Seal(to_, AsBytes(plain), ad);
    SecureWipe(plain.data(), plain.size());
    return out;
  }

 private:
  ports::Crypto& crypto_;
  const SecretBytes& from_;
  const SecretBytes& to_;
};

Status ResealRequests(ports::Transaction& txn, const ports::SubjectRow& row,
                      const Resealer& reseal) {
  KONFID_ASSIGN_OR_RETURN(auto requests, txn.ListSubjectRequests(row.tenant, row.id));
  for (auto& r : requests) {
    if (r.sealed.empty()) continue;
    KONFID_ASSIGN_OR_RETURN(r.sealed, reseal(r.sealed, RequestDetailsAd(r.tenant, r.id)));
    KONFID_TRY(txn.UpdateRequest(r));
  }
  return Ok();
}

Status ResealHolds(ports::Transaction& txn, const ports::SubjectRow& row, const Resealer& reseal) {
  KONFID_ASSIGN_OR_RETURN(auto holds, txn.ListSubjectHolds(row.tenant, row.id));
  for (const auto& h : holds) {
    if (h.document.empty()) continue;
    KONFID_ASSIGN_OR_RETURN(Bytes document,
                            reseal(h.document, HoldDocumentAd(h.tenant, h.subject, h.id)));
    KONFID_TRY(txn.UpdateHoldDocument(h.tenant, h.id, document));
  }
  return Ok();
}

Status ResealDisclosures(ports::Transaction& txn, const ports::SubjectRow& row,
                         const Resealer& reseal) {
  ports::DisclosureFilter filter{.subject = row.id, .limit = 500};
  for (;;) {
    KONFID_ASSIGN_OR_RETURN(auto page, txn.ListDisclosures(row.tenant, filter));
    for (const auto& d : page) {
      if (d.sealed.empty()) continue;
      KONFID_ASSIGN_OR_RETURN(Bytes sealed,
                              reseal(d.sealed, DisclosureDocumentAd(d.tenant, d.subject, d.id)));
      KONFID_TRY(txn.UpdateDisclosureDocument(d.tenant, d.id, sealed));
    }
    if (page.size() < filter.limit) return Ok();
    filter.after = page.back().id;
  }
}

// A pending message may hold what was just destroyed (an address, the values of an access
// reply): it is not sent, and its payload goes with the old key.
// Audited as the outbox audits a message it does not send: a denied use of the address.
Status CloseMessages(ports::Transaction& txn, AuditWriter& audit, const ports::SubjectRow& row) {
  KONFID_ASSIGN_OR_RETURN(auto pending, txn.ListSubjectOutbox(row.tenant, row.id));
  for (auto& m : pending) {
    if (!SealedUnderSubjectKey(m)) continue;
    m.status = "failed";
    m.payload.clear();
    m.last_error = std::string(kClosedByDestruction);
    KONFID_TRY(txn.UpdateOutbox(m));
    KONFID_TRY(audit.Append(OutboxUseEvent(m, domain::Outcome::kDenied, "cancelled:" + m.kind)));
  }
  return Ok();
}

// Keyring::UnwrapSubjectKey's answer when the key store has no key for the data.
bool Gone(const Error& e) { return e.code() == ErrorCode::kConflict && e.reason() == "erased"; }

Status WriteFields(ports::Transaction& txn, const ports::SubjectRow& row,
                   const domain::SealedFields& fields, uint32_t generation) {
  KONFID_ASSIGN_OR_RETURN(
      bool found,
      txn.EraseSubjectFields(row.tenant, row.id, domain::PackSealedFields(fields, generation)));
  if (!found) return Fail(ErrorCode::kNotFound, "no such subject", "rekey: the row is gone");
  return Ok();
}

}  // namespace

Result<bool> KeyIsGone(const Kernel& k, const ports::SubjectRow& row) {
  auto key = k.SubjectKey(row);
  if (key) return false;
  if (Gone(key.error())) return true;
  return Fail(key.error());
}

Status RekeyKeeping(ports::Transaction& txn, AuditWriter& audit, const Kernel& k,
                    const ports::SubjectRow& row, const domain::SealedFields& kept) {
  KONFID_ASSIGN_OR_RETURN(uint32_t generation, domain::SealedFieldsKeyGeneration(row.fields));
  Result<SecretBytes> old_key = k.SubjectKey(row);
  if (!old_key && Gone(old_key.error())) return WriteFields(txn, row, kept, generation);
  if (!old_key) return Fail(old_key.error());
  SecretBytes new_key = k.crypto().NewKey();
  Resealer reseal(k.crypto(), *old_key, new_key);
  domain::SealedFields fields;
  for (const auto& [name, sealed] : kept) {
    KONFID_ASSIGN_OR_RETURN(fields[name],
                            reseal(sealed, domain::FieldAssociatedData(row.tenant, row.id, name)));
  }
  KONFID_TRY(WriteFields(txn, row, fields, generation + 1));
  KONFID_TRY(ResealRequests(txn, row, reseal));
  KONFID_TRY(ResealHolds(txn, row, reseal));
  KONFID_TRY(ResealDisclosures(txn, row, reseal));
  KONFID_TRY(CloseMessages(txn, audit, row));
  return txn.UpdateSubjectKey(
      row.tenant, row.id, k.keyring().WrapSubjectKey(new_key, row.tenant, row.id, generation + 1));
}

}  // namespace konfid::app
