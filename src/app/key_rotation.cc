#include "app/key_rotation.h"

#include "app/admin_log.h"

namespace konfid::app {

namespace {

Error InProgress() {
  return Error(ErrorCode::kConflict,
               "a key rotation is still rewrapping: run 'konfid keys rotate' again to finish it")
      .WithReason("rotation_in_progress");
}

Result<int64_t> ReadEpoch(ports::Transaction& txn) {
  KONFID_ASSIGN_OR_RETURN(auto epoch, txn.GetMeta(kKeyEpochMeta));
  if (!epoch || epoch->empty()) return int64_t{1};
  try {
    return static_cast<int64_t>(std::stoll(*epoch));
  } catch (const std::exception&) {
    return Fail(ErrorCode::kDataLoss, "the database's key epoch is unreadable");
  }
}

// A tenant's three keys moved from one master key to the other.
Status RewrapTenant(ports::Crypto& crypto, ports::TenantRow& t, const SecretBytes& from,
                    const SecretBytes& to) {
  for (auto [wrapped, which] :
       {std::pair{&t.wrapped_index_key, "index"}, std::pair{&t.wrapped_audit_key, "audit"},
        std::pair{&t.wrapped_receipt_key, "receipt"}}) {
    if (wrapped->empty()) continue;
    std::string ad = Keyring::TenantKeyAd(t.tenant, which);
    KONFID_ASSIGN_OR_RETURN(SecretBytes key, crypto.OpenKey(from, *wrapped, ad));
    *wrapped = crypto.Seal(to, key.span(), ad);
  }
  return Ok();
}

}  // namespace

Result<RotationStatus> ReadRotationStatus(ports::Storage& storage) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto previous, txn->GetMeta(kPreviousKeyCheckMeta));
  KONFID_ASSIGN_OR_RETURN(int64_t epoch, ReadEpoch(*txn));
  return RotationStatus{previous && !previous->empty(), epoch};
}

Status BeginRotation(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                     const SecretBytes& next) {
  const SecretBytes& old_key = keyring.master();
  std::string old_check = Keyring::MasterKeyCheck(crypto, old_key);
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
  // Waits for every writer that read the epoch; those after this commit see the new one.
  KONFID_TRY(txn->LockKeyEpoch());
  KONFID_ASSIGN_OR_RETURN(auto previous, txn->GetMeta(kPreviousKeyCheckMeta));
  if (previous && !previous->empty()) return Fail(InProgress());
  KONFID_ASSIGN_OR_RETURN(auto check, txn->GetMeta(kMasterKeyCheckMeta));
  if (!check || *check != old_check)
    return Fail(ErrorCode::kPermissionDenied, "the master key is not the database's current one");
  KONFID_ASSIGN_OR_RETURN(int64_t epoch, ReadEpoch(*txn));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  for (auto& t : tenants) {
    KONFID_TRY(RewrapTenant(crypto, t, old_key, next));
    KONFID_TRY(txn->UpdateTenantKeys(t));
  }
  KONFID_TRY(txn->SetMeta(kPreviousKeyCheckMeta, old_check));
  KONFID_TRY(txn->SetMeta(kRotationCursorMeta, ""));
  KONFID_TRY(txn->SetMeta(kKeyEpochMeta, std::to_string(epoch + 1)));
  KONFID_TRY(txn->SetMeta(kMasterKeyCheckMeta, Keyring::MasterKeyCheck(crypto, next)));
  return txn->Commit();
}

Result<uint64_t> RewrapSubjectKeys(ports::Storage& storage, ports::Crypto& crypto,
                                   const SecretBytes& old_key, const SecretBytes& new_key,
                                   size_t page, size_t max_pages) {
  uint64_t count = 0;
  for (size_t pages = 0; pages < max_pages; ++pages) {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
    KONFID_ASSIGN_OR_RETURN(auto cursor, txn->GetMeta(kRotationCursorMeta));
    std::string after = cursor.value_or("");
    size_t space = after.find(' ');
    std::string after_tenant = space == std::string::npos ? "" : after.substr(0, space);
    std::string after_id = space == std::string::npos ? "" : after.substr(space + 1);
    KONFID_ASSIGN_OR_RETURN(auto keys, txn->ListSubjectKeys(after_tenant, after_id, page));
    for (const auto& s : keys) {
      std::string ad = Keyring::SubjectKeyAd(s.tenant, s.id);
      auto key = crypto.OpenKey(old_key, s.wrapped_key, ad);
      if (!key) {
        if (crypto.OpenKey(new_key, s.wrapped_key, ad)) continue;  // created since the start
        return Fail(ErrorCode::kDataLoss, "subject " + s.id + " of tenant " + s.tenant +
                                              ": its key opens under neither master key");
      }
      // A destruction since the page was read replaced the key, under the new master key (a
      // server follows the epoch, set before this): it is not written back.
      KONFID_ASSIGN_OR_RETURN(bool rewrapped,
                              txn->RewrapSubjectKey(s.tenant, s.id, s.wrapped_key,
                                                    crypto.Seal(new_key, key->span(), ad)));
      if (rewrapped) ++count;
    }
    if (!keys.empty())
      KONFID_TRY(txn->SetMeta(kRotationCursorMeta, keys.back().tenant + " " + keys.back().id));
    KONFID_TRY(txn->Commit());
    if (keys.size() < page) break;
  }
  return count;
}

Status FinishRotation(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                      ports::Clock& clock, const std::string& actor) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
  KONFID_ASSIGN_OR_RETURN(int64_t epoch, ReadEpoch(*txn));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  // The master key is the installation's, not a tenant's: each tenant's chain records it,
  // so that every tenant's log alone shows when the key under its data changed.
  for (const auto& t : tenants)
    KONFID_TRY(
        AppendAdminEvent(crypto, keyring, clock, *txn,
                         {t.tenant, actor, kMasterKeyRotatedOp, "epoch:" + std::to_string(epoch)}));
  KONFID_TRY(txn->SetMeta(kPreviousKeyCheckMeta, ""));
  KONFID_TRY(txn->SetMeta(kRotationCursorMeta, ""));
  return txn->Commit();
}

}  // namespace konfid::app
