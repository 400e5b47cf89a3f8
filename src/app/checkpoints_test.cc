// The checkpoint job and the verification of checkpoints against the chains, on a real SQLite
// database and libsodium. The job is driven by RunOnce with explicit times.
#include "app/checkpoints.h"

#include <gtest/gtest.h>

#include <map>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/audit_writer.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app {
namespace {

class CheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(storage_->Migrate());
    keyring_ = std::move(*Keyring::Open(*crypto_, *storage_, crypto_->NewKey(), true));
    ASSERT_TRUE(keyring_->EnsureTenant("demo", clock_.Now()));
    ASSERT_TRUE(keyring_->EnsureTenant("other", clock_.Now()));
    job_ = std::make_unique<CheckpointJob>(
        *storage_, *crypto_, *keyring_, [this](std::string_view line) -> Status {
          if (sink_fails_) return Fail(ErrorCode::kUnavailable, "disk full");
          file_.push_back({"file:" + std::to_string(file_.size() + 1), std::string(line)});
          return Ok();
        });
  }

  // Appends `n` events to the tenant's chain, as the service does.
  void AppendEvents(const std::string& tenant, int n) {
    auto txn = std::move(*storage_->Begin(true));
    AuditWriter writer(*crypto_, *keyring_, clock_, *txn);
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(writer.Append(
          {.tenant = tenant, .actor = "system:test", .operation = "use", .outcome = "ok"}));
    ASSERT_TRUE(writer.Flush());
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<ports::AuditCheckpointRow> Stored(const std::string& tenant) {
    auto txn = std::move(*storage_->Begin(false));
    return std::move(*txn->ListAuditCheckpoints(tenant, 100));
  }
  const Bytes& PublicKey(const std::string& tenant) {
    return (*keyring_->Tenant(tenant))->receipt_public_key;
  }
  // A checkpoint signed with the tenant's real key, of whatever head the test likes.
  std::string Signed(const std::string& tenant, uint64_t seq, Bytes hash) {
    const TenantKeys* keys = *keyring_->Tenant(tenant);
    domain::AuditCheckpoint c{tenant, seq, std::move(hash), clock_.Now()};
    std::string input = domain::CheckpointSigningInput(c, keys->receipt_key_id);
    return input + "." + Base64UrlEncode(crypto_->Sign(keys->receipt_key, AsBytes(input)));
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  std::unique_ptr<adapters::SodiumCrypto> crypto_;
  std::unique_ptr<adapters::SqliteStorage> storage_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<CheckpointJob> job_;
  std::vector<CheckpointSource> file_;
  bool sink_fails_ = false;
};

TEST_F(CheckpointsTest, SignsMovedHeadsOnlyAndStoresWhatItAppends) {
  auto r = job_->RunOnce(1000);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->signed_heads.empty());  // no events yet: nothing to prove
  EXPECT_EQ(r->unchanged, 2u);

  AppendEvents("demo", 3);
  r = job_->RunOnce(2000);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->signed_heads.size(), 1u);
  EXPECT_EQ(r->unchanged, 1u);  // "other" has no events
  const auto& signed_head = r->signed_heads[0];
  EXPECT_EQ(signed_head.tenant, "demo");
  EXPECT_EQ(signed_head.seq, 3u);
  EXPECT_EQ(signed_head.time, 2000);
  ASSERT_EQ(file_.size(), 1u);
  EXPECT_EQ(file_[0].line, signed_head.checkpoint);
  auto verified = VerifyCheckpoint(*crypto_, PublicKey("demo"), file_[0].line);
  ASSERT_TRUE(verified) << verified.error().message();
  EXPECT_EQ(verified->seq, 3u);
  EXPECT_EQ(verified->hash, signed_head.hash);
  auto stored = Stored("demo");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].checkpoint, file_[0].line);

  r = job_->RunOnce(3000);  // the head has not moved: skipped
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->signed_heads.empty());
  EXPECT_EQ(r->unchanged, 2u);
  EXPECT_EQ(file_.size(), 1u);

  AppendEvents("demo", 2);
  AppendEvents("other", 1);
  r = job_->RunOnce(4000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->signed_heads.size(), 2u);
  EXPECT_EQ(file_.size(), 3u);
  stored = Stored("demo");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].seq, 5u);  // newest first
  EXPECT_EQ(stored[1].seq, 3u);

  auto report = VerifyAuditLog(*storage_, *crypto_, *keyring_, file_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->checkpoints_held, 3u);
  EXPECT_TRUE(report->problems.empty()) << report->problems[0].what;
  auto from_db = StoredCheckpoints(*storage_);
  ASSERT_TRUE(from_db);
  EXPECT_EQ(from_db->size(), 3u);
}

TEST_F(CheckpointsTest, AFailedAppendStoresNothingAndTheNextPassRetries) {
  AppendEvents("demo", 1);
  sink_fails_ = true;
  auto r = job_->RunOnce(1000);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("disk full"), std::string::npos);
  EXPECT_TRUE(Stored("demo").empty());
  sink_fails_ = false;
  r = job_->RunOnce(2000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->signed_heads.size(), 1u);
  EXPECT_EQ(file_.size(), 1u);
}

TEST_F(CheckpointsTest, VerificationNamesEveryCheckpointTheChainDoesNotHold) {
  AppendEvents("demo", 4);
  ASSERT_TRUE(job_->RunOnce(1000));
  ASSERT_EQ(file_.size(), 1u);
  std::string good = file_[0].line;
  std::string tampered = good;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  std::vector<CheckpointSource> lines = {
      {"f:1", good},
      {"f:2", Signed("demo", 9, Bytes(32, 1))},   // beyond the head: events were removed
      {"f:3", Signed("demo", 2, Bytes(32, 1))},   // another event than the chain's
      {"f:4", tampered},                          // the signature does not verify
      {"f:5", Signed("other", 1, Bytes(32, 1))},  // "other" has no events at all
      {"f:6", "not a checkpoint"},
  };
  auto report = VerifyAuditLog(*storage_, *crypto_, *keyring_, lines);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->checkpoints_held, 1u);
  std::map<std::string, std::string> problems;
  for (const auto& p : report->problems) problems[p.where] += p.what;
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_NE(problems["f:2"].find("event 9: missing; the chain now has 4 events"), std::string::npos)
      << problems["f:2"];
  EXPECT_NE(problems["f:3"].find("event 2: the chain holds another event"), std::string::npos)
      << problems["f:3"];
  EXPECT_NE(problems["f:4"].find("signature does not verify"), std::string::npos)
      << problems["f:4"];
  EXPECT_NE(problems["f:5"].find("tenant other, event 1: missing"), std::string::npos)
      << problems["f:5"];
  EXPECT_NE(problems["f:6"].find("not a checkpoint"), std::string::npos) << problems["f:6"];
  EXPECT_FALSE(VerifyCheckpoint(*crypto_, PublicKey("other"), good));  // not other's key
  EXPECT_EQ(VerifyCheckpoint(*crypto_, PublicKey("other"), good).error().code(),
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace konfid::app
