#include "app/keyring.h"

#include <mutex>

namespace konfid::app {

std::string Keyring::MasterKeyCheck(ports::Crypto& crypto, const SecretBytes& master) {
  return HexEncode(crypto.Mac(master, AsBytes("konfid-master-key-check-v1")));
}

std::string Keyring::TenantKeyAd(const std::string& tenant, const char* which) {
  std::string ad = "konfid-tenant-key-v1";
  ad.push_back('\0');
  ad += tenant;
  ad.push_back('\0');
  ad += which;
  return ad;
}

std::string Keyring::SubjectKeyAd(const std::string& tenant, const std::string& subject) {
  std::string ad = "konfid-subject-key-v1";
  ad.push_back('\0');
  ad += tenant;
  ad.push_back('\0');
  ad += subject;
  return ad;
}

Result<std::unique_ptr<Keyring>> Keyring::Open(ports::Crypto& crypto, ports::Storage& storage,
                                               SecretBytes master, bool initialize) {
  if (master.size() != ports::kKeySize)
    return Fail(ErrorCode::kInvalidArgument, "the master key must be 32 bytes");
  std::string check = MasterKeyCheck(crypto, master);
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(initialize));
  KONFID_ASSIGN_OR_RETURN(auto stored, txn->GetMeta(kMasterKeyCheckMeta));
  if (!stored) {
    if (!initialize)
      return Fail(ErrorCode::kUnavailable, "the database has no master key yet: run 'konfid init'");
    KONFID_TRY(txn->SetMeta(kMasterKeyCheckMeta, check));
    KONFID_TRY(txn->Commit());
  } else if (!crypto.Equal(AsBytes(*stored), AsBytes(check))) {
    return Fail(
        ErrorCode::kPermissionDenied,
        "the master key does not match this database (wrong key file or KONFID_MASTER_KEY?)");
  }
  master.Lock();
  return std::unique_ptr<Keyring>(new Keyring(crypto, storage, std::move(master), check));
}

void Keyring::AddPreviousKey(SecretBytes previous) {
  previous.Lock();
  std::unique_lock lock(keys_mu_);
  previous_ = std::move(previous);
}

void Keyring::SetKeySource(MasterKeySource source, std::function<void(const std::string&)> note) {
  key_source_ = std::move(source);
  note_ = std::move(note);
}

std::string Keyring::current_check() const {
  std::shared_lock lock(keys_mu_);
  return check_;
}

Status Keyring::FollowEpoch(ports::Transaction& txn) {
  KONFID_ASSIGN_OR_RETURN(auto epoch, txn.ReadKeyEpoch(kMasterKeyCheckMeta));
  {
    std::shared_lock lock(keys_mu_);
    if (!epoch || *epoch == check_) return Ok();
  }
  std::optional<SecretBytes> next;
  if (key_source_) next = key_source_(*epoch);
  if (!next || MasterKeyCheck(crypto_, *next) != *epoch) {
    if (!stale_.exchange(true) && note_)
      note_(
          "the master key was rotated and this process has no key file for the new one: it "
          "refuses to wrap keys and /readyz answers 503 until it restarts with the new key");
    return Fail(Error(ErrorCode::kUnavailable,
                      "the master key was rotated; this node must restart with the new key")
                    .WithReason("key_rotated"));
  }
  next->Lock();
  {
    std::unique_lock lock(keys_mu_);
    if (*epoch != check_) {  // another thread may have followed it meanwhile
      previous_ = std::move(master_);
      master_ = std::move(*next);
      check_ = *epoch;
    }
  }
  stale_.store(false);
  if (note_) note_("the master key was rotated: new keys are wrapped under the new one");
  return Ok();
}

Result<SecretBytes> Keyring::OpenTenantKey(const Bytes& wrapped, const std::string& ad) const {
  std::shared_lock lock(keys_mu_);
  auto key = crypto_.OpenKey(master_, wrapped, ad);
  if (!key && !previous_.empty()) return crypto_.OpenKey(previous_, wrapped, ad);
  return key;
}

Status Keyring::Load(const ports::TenantRow& row) {
  auto keys = std::make_unique<TenantKeys>();
  KONFID_ASSIGN_OR_RETURN(keys->index_key,
                          OpenTenantKey(row.wrapped_index_key, TenantKeyAd(row.tenant, "index")));
  KONFID_ASSIGN_OR_RETURN(keys->audit_key,
                          OpenTenantKey(row.wrapped_audit_key, TenantKeyAd(row.tenant, "audit")));
  if (!row.wrapped_receipt_key.empty()) {
    KONFID_ASSIGN_OR_RETURN(keys->receipt_key, OpenTenantKey(row.wrapped_receipt_key,
                                                             TenantKeyAd(row.tenant, "receipt")));
    keys->receipt_key.Lock();
    keys->receipt_public_key = row.receipt_public_key;
    keys->receipt_key_id =
        row.tenant + "-" + HexEncode(crypto_.Hash(row.receipt_public_key)).substr(0, 16);
  }
  keys->index_key.Lock();
  keys->audit_key.Lock();
  std::unique_lock lock(mu_);
  tenants_[row.tenant] = std::move(keys);
  return Ok();
}

Bytes Keyring::SealUnderMaster(std::span<const uint8_t> key, const std::string& ad) const {
  std::shared_lock lock(keys_mu_);
  return crypto_.Seal(master_, key, ad);
}

void Keyring::AddReceiptKey(ports::TenantRow& row) {
  auto receipt = crypto_.NewSigningKey();
  row.receipt_public_key = receipt.public_key;
  row.wrapped_receipt_key =
      SealUnderMaster(receipt.secret_key.span(), TenantKeyAd(row.tenant, "receipt"));
}

Status Keyring::EnsureTenant(const std::string& tenant, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindTenant(tenant));
  if (!row || row->wrapped_receipt_key.empty()) KONFID_TRY(FollowEpoch(*txn));  // it wraps
  if (!row) {
    SecretBytes index_key = crypto_.NewKey(), audit_key = crypto_.NewKey();
    row = ports::TenantRow{tenant, SealUnderMaster(index_key.span(), TenantKeyAd(tenant, "index")),
                           SealUnderMaster(audit_key.span(), TenantKeyAd(tenant, "audit")), now};
    AddReceiptKey(*row);
    KONFID_TRY(txn->InsertTenant(*row));
    KONFID_TRY(txn->Commit());
  } else if (row->wrapped_receipt_key.empty()) {  // a tenant made before receipts existed
    AddReceiptKey(*row);
    KONFID_TRY(txn->UpdateTenantKeys(*row));
    KONFID_TRY(txn->Commit());
  }
  return Load(*row);
}

Status Keyring::LoadAllTenants() {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn->ListTenants());
  for (const auto& row : rows) KONFID_TRY(Load(row));
  return Ok();
}

Result<const TenantKeys*> Keyring::Tenant(const std::string& tenant) const {
  std::shared_lock lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end())
    return Fail(ErrorCode::kNotFound, "tenant is not configured", "keyring has no tenant");
  return it->second.get();
}

Bytes Keyring::WrapSubjectKey(const SecretBytes& key, const std::string& tenant,
                              const std::string& subject, uint32_t generation) const {
  std::string ad = SubjectKeyAd(tenant, subject);
  if (generation == 0) {  // every key until a destruction replaces it: no copy
    std::shared_lock lock(keys_mu_);
    return crypto_.Seal(master_, key.span(), ad);
  }
  SecretBytes plain(key.size() + 4);
  std::copy(key.data(), key.data() + key.size(), plain.data());
  for (int i = 0; i < 4; ++i)
    plain.data()[key.size() + i] = static_cast<uint8_t>(generation >> (24 - 8 * i));
  std::shared_lock lock(keys_mu_);
  return crypto_.Seal(master_, plain.span(), ad);
}

Result<SecretBytes> Keyring::UnwrapSubjectKey(const Bytes& wrapped, const std::string& tenant,
                                              const std::string& subject,
                                              uint32_t generation) const {
  // No key: the key store has none for a row the data holds, which happens only when the
  // data was restored from a backup taken before the subject's erasure.
  if (wrapped.empty())
    return Fail(Error(ErrorCode::kConflict,
                      "this subject was erased: its data key is destroyed and nothing of it "
                      "can be read")
                    .WithReason("erased"));
  std::string ad = SubjectKeyAd(tenant, subject);
  Result<SecretBytes> plain = [&] {
    std::shared_lock lock(keys_mu_);
    auto key = crypto_.OpenKey(master_, wrapped, ad);
    if (!key && !previous_.empty()) return crypto_.OpenKey(previous_, wrapped, ad);
    return key;
  }();
  if (!plain) return plain;
  if (plain->size() != ports::kKeySize && plain->size() != ports::kKeySize + 4)
    return Fail(ErrorCode::kDataLoss, "stored record is corrupt", "subject key's length");
  uint32_t stored = 0;
  for (size_t i = ports::kKeySize; i < plain->size(); ++i) stored = stored << 8 | plain->data()[i];
  // The data and the key are of different generations: one of them was restored from a copy
  // made before a destruction replaced the key (app/rekey.h).
  if (stored != generation)
    return Fail(Error(ErrorCode::kConflict,
                      "this subject's data and its key come from different moments: some of "
                      "its data was destroyed after one of them was copied, and it cannot be "
                      "read")
                    .WithReason("erased"));
  if (plain->size() == ports::kKeySize) return plain;
  return SecretBytes(plain->data(), ports::kKeySize);
}

Result<Bytes> Keyring::UnsubscribeMac(const std::string& tenant, const std::string& subject,
                                      const std::string& purpose) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, Tenant(tenant));
  std::string message = "konfid-unsubscribe-v1";
  for (const std::string* part : {&tenant, &subject, &purpose}) {
    message.push_back('\0');
    message += *part;
  }
  return crypto_.Mac(keys->index_key, AsBytes(message));
}

Result<SecretBytes> Keyring::DerivedKey(const std::string& tenant,
                                        const std::string& message) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, Tenant(tenant));
  Bytes derived = crypto_.Mac(keys->index_key, AsBytes(message));
  SecretBytes key(derived.data(), derived.size());
  SecureWipe(derived.data(), derived.size());
  return key;
}

Result<SecretBytes> Keyring::OutboxKey(const std::string& tenant) const {
  std::string message = "konfid-outbox-key-v1";
  message.push_back('\0');
  message += tenant;
  return DerivedKey(tenant, message);
}

Result<SecretBytes> Keyring::ExportKey(const std::string& tenant, const std::string& export_id,
                                       std::string_view use) const {
  std::string message = "konfid-export-key-v1";
  for (std::string_view part : {std::string_view(tenant), std::string_view(export_id), use}) {
    message.push_back('\0');
    message += part;
  }
  return DerivedKey(tenant, message);
}

Result<Bytes> Keyring::BlindIndex(const std::string& tenant, const std::string& field,
                                  const std::string& normalized) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, Tenant(tenant));
  std::string message = "konfid-index-v1";
  message.push_back('\0');
  message += field;
  message.push_back('\0');
  message += normalized;
  Bytes out = crypto_.Mac(keys->index_key, AsBytes(message));
  SecureWipe(message.data(), message.size());
  return out;
}

}  // namespace konfid::app
