#include "cli/proofs.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/checkpoints.h"
#include "app/destruction_acts.h"
#include "app/receipts.h"
#include "core/encoding.h"

namespace konfid::cli::internal {
namespace {

// Prints each chain's state; true when every chain verifies.
bool PrintChains(const std::vector<app::TenantAuditReport>& reports) {
  bool ok = true;
  for (const auto& r : reports) {
    if (r.broken) {
      ok = false;
      std::cout << "tenant " << r.tenant << ": BROKEN at event " << r.broken->seq << ": "
                << r.broken->what << "\n";
    } else {
      std::cout << "tenant " << r.tenant << ": ok, " << r.events << " events\n";
    }
  }
  return ok;
}

// The checkpoints to hold the chains to: the file's, or else the database's own.
Result<std::vector<app::CheckpointSource>> CheckpointsToCheck(ports::Storage& storage,
                                                              const std::string& file) {
  if (file.empty()) return app::StoredCheckpoints(storage);
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, "cannot read the checkpoint file " + file);
  std::stringstream text;
  text << in.rdbuf();
  return app::CheckpointFileLines(file, text.str());
}

// A compact JWS from `file` (trailing blanks dropped) and the Ed25519 public key it is to
// verify with, given in base64url.
Result<std::pair<std::string, Bytes>> SignedFile(const std::string& file,
                                                 const std::string& public_key) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, "cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();
  std::string jws = text.str();
  while (!jws.empty() && (jws.back() == '\n' || jws.back() == '\r' || jws.back() == ' '))
    jws.pop_back();
  auto key = Base64UrlDecode(public_key);
  if (!key || key->size() != 32)
    return Fail(ErrorCode::kInvalidArgument,
                "--public-key must be the tenant's Ed25519 key in base64url (the \"x\" of "
                "GET /v1/keys/receipt)");
  return std::pair{std::move(jws), std::move(*key)};
}

}  // namespace

int AuditVerify(Platform& p, const Common& c, const std::string& checkpoint_file) {
  auto opened = OpenExisting(p, c);
  if (!opened) return Die(opened.error());
  auto checkpoints = CheckpointsToCheck(*opened->storage, checkpoint_file);
  if (!checkpoints) return Die(checkpoints.error());
  auto report = app::VerifyAuditLog(*opened->storage, p.crypto, *opened->keyring, *checkpoints);
  if (!report) return Die(report.error());
  bool ok = PrintChains(report->chains);
  for (const auto& problem : report->problems)
    std::cout << "checkpoint " << problem.where << ": " << problem.what << "\n";
  ok = ok && report->problems.empty();
  std::cout << report->checkpoints_held << " of " << checkpoints->size() << " checkpoints hold ("
            << (checkpoint_file.empty()
                    ? "stored in the database, where whoever can cut the chain can delete them "
                      "too: check a copy kept elsewhere with --checkpoint FILE"
                    : "from " + checkpoint_file)
            << ")\n";
  std::cout << (ok ? "audit chains verify\n" : "audit chains DO NOT verify\n");
  return ok ? 0 : 1;
}

int ReceiptVerify(Platform& p, const std::string& file, const std::string& public_key) {
  auto signed_file = SignedFile(file, public_key);
  if (!signed_file) return Die(signed_file.error());
  const auto& [jws, key] = *signed_file;
  auto claims = app::VerifyReceipt(p.crypto, key, jws);
  if (!claims) {
    std::cout << "receipt DOES NOT verify: " << claims.error().message() << "\n";
    return 1;
  }
  std::cout << "receipt verifies\n" << *claims << "\n";
  return 0;
}

int ActVerify(Platform& p, const Common& c, const std::string& file,
              const std::string& public_key) {
  auto signed_file = SignedFile(file, public_key);
  if (!signed_file) return Die(signed_file.error());
  const auto& [jws, key] = *signed_file;
  auto refuse = [](const std::string& what) {
    std::cout << "act DOES NOT verify: " << what << "\n";
    return 1;
  };
  auto claims = app::VerifyDestructionAct(p.crypto, key, jws);
  if (!claims) return refuse(claims.error().message());
  auto act = p.parse_act(*claims);
  if (!act) return refuse(act.error().message());
  if (auto st = domain::CheckActExtract(*act); !st) return refuse(st.error().message());
  std::cout << "act " << act->id << " of tenant " << act->tenant << ": signature ok, "
            << act->audit.size() << " audit events chained (seq " << act->audit.front().seq << "-"
            << act->audit.back().seq << ")\n";
  if (!c.data_dir.empty() || !c.db.empty() || !c.config_path.empty()) {
    auto opened = OpenExisting(p, c);
    if (!opened) return Die(opened.error());
    if (auto st = opened->keyring->LoadAllTenants(); !st) return Die(st.error());
    auto keys = opened->keyring->Tenant(act->tenant);
    if (!keys) return refuse("this vault has no tenant '" + act->tenant + "'");
    if ((*keys)->receipt_public_key != key)
      return refuse("--public-key is not this vault's key for tenant " + act->tenant);
    auto st = app::CheckExtractInLog(*opened->storage, p.crypto, *opened->keyring, *act);
    if (!st && st.error().code() != ErrorCode::kInvalidArgument) return Die(st.error());
    if (!st) return refuse(st.error().message());
    std::cout << "the audit log holds each event of the extract\n";
  }
  std::cout << "act verifies\n" << *claims << "\n";
  return 0;
}

}  // namespace konfid::cli::internal
