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
  return std::unique_ptr<Keyring>(new Keyring(crypto, storage, std::move(master)));
}

Status Keyring::Load(const ports::TenantRow& row) {
  auto keys = std::make_unique<TenantKeys>();
  KONFID_ASSIGN_OR_RETURN(keys->index_key, crypto_.OpenKey(master_, row.wrapped_index_key,
                                                           TenantKeyAd(row.tenant, "index")));
  KONFID_ASSIGN_OR_RETURN(keys->audit_key, crypto_.OpenKey(master_, row.wrapped_audit_key,
                                                           TenantKeyAd(row.tenant, "audit")));
  if (!row.wrapped_receipt_key.empty()) {
    KONFID_ASSIGN_OR_RETURN(keys->receipt_key, crypto_.OpenKey(master_, row.wrapped_receipt_key,
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

void Keyring::AddReceiptKey(ports::TenantRow& row) {
  auto receipt = crypto_.NewSigningKey();
  row.receipt_public_key = receipt.public_key;
  row.wrapped_receipt_key =
      crypto_.Seal(master_, receipt.secret_key.span(), TenantKeyAd(row.tenant, "receipt"));
}

Status Keyring::EnsureTenant(const std::string& tenant, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  KONFID_ASSIGN_OR_RETURN(auto row, txn->FindTenant(tenant));
  if (!row) {
    SecretBytes index_key = crypto_.NewKey(), audit_key = crypto_.NewKey();
    row = ports::TenantRow{
        tenant, crypto_.Seal(master_, index_key.span(), TenantKeyAd(tenant, "index")),
        crypto_.Seal(master_, audit_key.span(), TenantKeyAd(tenant, "audit")), now};
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
                              const std::string& subject) const {
  return crypto_.Seal(master_, key.span(), SubjectKeyAd(tenant, subject));
}

Result<SecretBytes> Keyring::UnwrapSubjectKey(const Bytes& wrapped, const std::string& tenant,
                                              const std::string& subject) const {
  return crypto_.OpenKey(master_, wrapped, SubjectKeyAd(tenant, subject));
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
