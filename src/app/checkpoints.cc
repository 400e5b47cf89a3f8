#include "app/checkpoints.h"

#include <map>

#include "app/receipts.h"

namespace konfid::app {

std::string CheckpointKeyId(ports::Crypto& crypto, const std::string& tenant,
                            std::span<const uint8_t> public_key) {
  return tenant + "-" + HexEncode(crypto.Hash(public_key)).substr(0, 16);
}

Result<domain::AuditCheckpoint> VerifyCheckpoint(ports::Crypto& crypto,
                                                 std::span<const uint8_t> public_key,
                                                 std::string_view line) {
  KONFID_ASSIGN_OR_RETURN(domain::SignedCheckpoint parsed, domain::ParseCheckpoint(line));
  if (parsed.key_id != CheckpointKeyId(crypto, parsed.checkpoint.tenant, public_key))
    return Fail(Error(ErrorCode::kPermissionDenied,
                      "signed with another key (" + parsed.key_id + ") than the tenant's")
                    .WithReason("checkpoint_key_mismatch"));
  if (!crypto.VerifySignature(public_key, AsBytes(parsed.signing_input), parsed.signature))
    return Fail(Error(ErrorCode::kPermissionDenied, "the signature does not verify")
                    .WithReason("checkpoint_signature_invalid"));
  return parsed.checkpoint;
}

Result<std::vector<CheckpointJob::Due>> CheckpointJob::MovedHeads(size_t& unchanged) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  std::vector<Due> due;
  for (const auto& t : tenants) {
    auto keys = keyring_.Tenant(t.tenant);
    if (!keys || (*keys)->receipt_public_key.empty()) continue;  // not served here
    KONFID_ASSIGN_OR_RETURN(ports::AuditHead head, txn->ReadAuditHead(t.tenant));
    KONFID_ASSIGN_OR_RETURN(auto last, txn->ListAuditCheckpoints(t.tenant, 1));
    if (head.seq == 0 || (!last.empty() && last[0].seq == head.seq && last[0].hash == head.hash)) {
      ++unchanged;
      continue;
    }
    due.push_back({t.tenant, std::move(head)});
  }
  return due;
}

Result<CheckpointReport> CheckpointJob::RunOnce(UnixMicros now) {
  std::lock_guard lock(pass_mu_);
  CheckpointReport report;
  KONFID_ASSIGN_OR_RETURN(std::vector<Due> due, MovedHeads(report.unchanged));
  if (due.empty()) return report;
  // Where commits become durable apart from their visibility (SQLite group commit), a head
  // just read may not be on disk yet: a checkpoint of it that outlived a crash would then
  // accuse the chain of losing events it never durably had.
  KONFID_TRY(storage_.Sync());
  for (const Due& d : due) {
    KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(d.tenant));
    domain::AuditCheckpoint c{d.tenant, d.head.seq, d.head.hash, now};
    std::string signing_input = domain::CheckpointSigningInput(c, keys->receipt_key_id);
    Bytes signature = crypto_.Sign(keys->receipt_key, AsBytes(signing_input));
    std::string line = signing_input + "." + Base64UrlEncode(signature);
    // The file first: it is the copy an intruder in the database cannot reach.
    if (sink_) KONFID_TRY(sink_(line));
    report.signed_heads.push_back({c.tenant, c.seq, c.hash, c.time, std::move(line)});
  }
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(true));
  for (const auto& row : report.signed_heads) {
    KONFID_TRY(txn->Savepoint());
    Status st = txn->InsertAuditCheckpoint(row);
    if (!st && st.error().code() != ErrorCode::kConflict) return Fail(st.error());
    // Conflict: another node stored a checkpoint of the same head; one row is enough.
    KONFID_TRY(st ? txn->ReleaseSavepoint() : txn->RollbackToSavepoint());
  }
  KONFID_TRY(txn->Commit());
  return report;
}

std::vector<CheckpointSource> CheckpointFileLines(const std::string& name, std::string_view text) {
  std::vector<CheckpointSource> out;
  size_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    ++number;
    if (!line.empty() && line[0] != '#')
      out.push_back({name + ":" + std::to_string(number), std::string(line)});
    pos = nl + 1;
  }
  return out;
}

Result<std::vector<CheckpointSource>> StoredCheckpoints(ports::Storage& storage) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto tenants, txn->ListTenants());
  std::vector<CheckpointSource> out;
  for (const auto& t : tenants) {
    KONFID_ASSIGN_OR_RETURN(auto rows, txn->ListAuditCheckpoints(t.tenant, SIZE_MAX));
    for (auto& r : rows) out.push_back({"database", std::move(r.checkpoint)});
  }
  return out;
}

Result<PublishedCheckpoints> CheckpointReader::Latest(const std::string& tenant,
                                                      size_t limit) const {
  if (!policies_.Current(tenant))
    return Fail(Error(ErrorCode::kNotFound, "no such tenant on this server")
                    .WithReason("tenant_not_configured"));
  PublishedCheckpoints out;
  KONFID_ASSIGN_OR_RETURN(auto key, ReceiptPublicKey(keyring_, tenant));
  out.key_id = std::move(key.first);
  out.public_key = std::move(key.second);
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(out.checkpoints, txn->ListAuditCheckpoints(tenant, limit));
  return out;
}

}  // namespace konfid::app
