// Signing acts of destruction over an audit extract of a real chain: SQLite, libsodium and
// the AuditWriter the service uses.
#include "app/destruction_acts.h"

#include <gtest/gtest.h>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/audit_writer.h"
#include "app/receipts.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app {
namespace {

class DestructionActsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(storage_->Migrate());
    keyring_ = std::move(*Keyring::Open(*crypto_, *storage_, crypto_->NewKey(), true));
    ASSERT_TRUE(keyring_->EnsureTenant("demo", clock_.Now()));
  }

  // A block of the kept field and the destruction, appended as an erasure appends them;
  // returns the events as the chain stores them.
  std::vector<domain::AuditEvent> Erasure() {
    {
      auto txn = std::move(*storage_->Begin(true));
      AuditWriter writer(*crypto_, *keyring_, clock_, *txn);
      EXPECT_TRUE(writer.Append({.tenant = "demo",
                                 .actor = "system:test",
                                 .operation = "use",
                                 .subject_id = "other",
                                 .outcome = "ok"}));
      EXPECT_TRUE(writer.Append({.tenant = "demo",
                                 .actor = "apikey:k1",
                                 .operation = "block",
                                 .subject_id = "s1",
                                 .fields = {"inn"},
                                 .outcome = "ok"}));
      EXPECT_TRUE(writer.Append({.tenant = "demo",
                                 .actor = "apikey:k1",
                                 .operation = "destroy",
                                 .subject_id = "s1",
                                 .fields = {"email"},
                                 .outcome = "ok"}));
      EXPECT_TRUE(writer.Flush());
      EXPECT_TRUE(txn->Commit());
    }
    std::vector<domain::AuditEvent> events;
    auto txn = std::move(*storage_->Begin(false));
    EXPECT_TRUE(txn->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
      if (e.subject_id == "s1") events.push_back(e);
      return Ok();
    }));
    return events;
  }

  domain::DestructionAct Act(std::vector<domain::AuditEvent> extract) {
    domain::TenantPolicy policy;
    policy.tenant = "demo";
    policy.op.legal_name = {"ООО «Демо»", "Demo LLC"};
    domain::DestructionFacts facts;
    facts.id = std::string(32, 'a');
    facts.subject = "s1";
    facts.destroyed_at = clock_.Now();
    facts.destroyed = {"email"};
    facts.actor = "apikey:k1";
    facts.actor_role = "operator";
    facts.audit = std::move(extract);
    return domain::MakeDestructionAct(policy, std::move(facts));
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  std::unique_ptr<ports::Crypto> crypto_;
  std::unique_ptr<ports::Storage> storage_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_F(DestructionActsTest, AnActVerifiesWithThePublishedKeyAndNotOnceChanged) {
  std::vector<domain::AuditEvent> extract = Erasure();
  ASSERT_EQ(extract.size(), 2u);
  domain::DestructionAct act = Act(extract);
  auto jws = SignDestructionAct(*crypto_, *keyring_, act);
  ASSERT_TRUE(jws) << jws.error().message();
  auto published = ReceiptPublicKey(*keyring_, "demo");
  ASSERT_TRUE(published);
  auto claims = VerifyDestructionAct(*crypto_, published->second, *jws);
  ASSERT_TRUE(claims) << claims.error().message();
  EXPECT_EQ(*claims, domain::DestructionActClaims(act));
  // The extract carries the chain's own hashes, which the audit key recomputes.
  const SecretBytes& audit_key = (*keyring_->Tenant("demo"))->audit_key;
  for (const auto& e : extract) {
    EXPECT_EQ(AuditEventMac(*crypto_, audit_key, e), e.hash) << e.seq;
    EXPECT_NE(claims->find("\"hash\":\"" + HexEncode(e.hash) + "\""), std::string::npos);
  }
  // A changed claim, re-encoded under the old signature, does not verify.
  std::string changed = *claims;
  changed.replace(changed.find("\"email\""), 7, "\"phone\"");
  size_t a = jws->find('.'), b = jws->rfind('.');
  std::string forged = jws->substr(0, a + 1) + Base64UrlEncode(AsBytes(changed)) + jws->substr(b);
  EXPECT_EQ(VerifyDestructionAct(*crypto_, published->second, forged).error().code(),
            ErrorCode::kPermissionDenied);
  // Nor does the act under another key.
  auto stranger = crypto_->NewSigningKey();
  EXPECT_EQ(VerifyDestructionAct(*crypto_, stranger.public_key, *jws).error().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(DestructionActsTest, AnActWhoseExtractDoesNotHoldIsNotSigned) {
  const std::vector<domain::AuditEvent> whole = Erasure();
  std::vector<domain::AuditEvent> extract = whole;
  extract.pop_back();  // the destruction itself left out
  auto refused = SignDestructionAct(*crypto_, *keyring_, Act(extract));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  domain::DestructionAct stranger = Act(whole);
  stranger.tenant = "nobody";
  for (auto& e : stranger.audit) e.tenant = "nobody";
  EXPECT_EQ(SignDestructionAct(*crypto_, *keyring_, stranger).error().code(), ErrorCode::kNotFound);
}

// The extract is held to the log itself: each event's MAC under the audit key, and the event
// stored at its seq. An event changed, or one the log does not hold, is refused.
TEST_F(DestructionActsTest, TheExtractIsHeldToTheAuditLogItself) {
  const std::vector<domain::AuditEvent> extract = Erasure();
  ASSERT_TRUE(CheckExtractInLog(*storage_, *crypto_, *keyring_, Act(extract)));

  std::vector<domain::AuditEvent> changed = extract;
  changed.back().fields = {"phone"};  // the hash kept: the chain still links
  auto forged = CheckExtractInLog(*storage_, *crypto_, *keyring_, Act(changed));
  ASSERT_FALSE(forged);
  EXPECT_NE(forged.error().message().find("is not as the tenant's audit key signed it"),
            std::string::npos)
      << forged.error().message();

  // Another vault's log, which never held them.
  konfid::testing::TempDir other_dir;
  auto other = std::move(*adapters::SqliteStorage::Open(
      {other_dir.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
  ASSERT_TRUE(other->Migrate());
  auto elsewhere = CheckExtractInLog(*other, *crypto_, *keyring_, Act(extract));
  ASSERT_FALSE(elsewhere);
  EXPECT_NE(elsewhere.error().message().find("the audit log holds 0 of the extract's 2 events"),
            std::string::npos)
      << elsewhere.error().message();
}

// A capture holds the events as stored, and loses those a savepoint rolls back.
TEST_F(DestructionActsTest, ACaptureFollowsTheSavepoints) {
  auto txn = std::move(*storage_->Begin(true));
  AuditWriter writer(*crypto_, *keyring_, clock_, *txn);
  AuditCapture capture(writer);
  ASSERT_TRUE(writer.Append({.tenant = "demo", .operation = "block", .subject_id = "s1"}));
  ASSERT_TRUE(txn->Savepoint());
  writer.Mark();
  ASSERT_TRUE(writer.Append({.tenant = "demo", .operation = "destroy", .subject_id = "s1"}));
  ASSERT_EQ(capture.events().size(), 2u);
  ASSERT_TRUE(txn->RollbackToSavepoint());  // as the committer does for a failed request
  writer.Restore();
  ASSERT_EQ(capture.events().size(), 1u);
  EXPECT_EQ(capture.events()[0].operation, "block");
  EXPECT_EQ(capture.events()[0].seq, 1u);
  EXPECT_EQ(capture.events()[0].hash.size(), domain::kAuditHashSize);
  {
    AuditCapture inner(writer);  // takes over, then gives the outer one back
    ASSERT_TRUE(writer.Append({.tenant = "demo", .operation = "use", .subject_id = "s1"}));
    EXPECT_EQ(inner.events().size(), 1u);
  }
  ASSERT_TRUE(writer.Append({.tenant = "demo", .operation = "destroy", .subject_id = "s1"}));
  EXPECT_EQ(capture.events().size(), 2u);
}

}  // namespace
}  // namespace konfid::app
