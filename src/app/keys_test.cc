// Keys on a real SQLite database: a server's keyring follows the database's key epoch, a
// rotation stopped part-way resumes with the old key usable until every subject key is
// rewrapped; API keys are listed and revoked, and a revoked key is refused everywhere.
#include "app/key_rotation.h"

#include <gtest/gtest.h>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/api_keys.h"
#include "domain/sealed_fields.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app {
namespace {

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(storage_->Migrate());
    old_key_ = crypto_->NewKey();
    server_ = std::move(*Keyring::Open(*crypto_, *storage_, old_key_.Clone(), true));
    ASSERT_TRUE(server_->EnsureTenant("demo", clock_.Now()));
  }
  // A subject whose data key `keyring` wraps, in a transaction that follows the epoch first
  // (as every group-commit batch does).
  Status InsertSubject(Keyring& keyring, const std::string& id, uint32_t generation = 0) {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage_->Begin(true));
    KONFID_TRY(keyring.FollowEpoch(*txn));
    SecretBytes data_key = crypto_->NewKey();
    KONFID_TRY(
        txn->InsertSubject({"demo", id, keyring.WrapSubjectKey(data_key, "demo", id, generation),
                            domain::PackSealedFields({}, generation), clock_.Now(), clock_.Now()}));
    return txn->Commit();
  }
  // Whether `keyring` unwraps the key of every subject in `ids`.
  bool OpensAll(const Keyring& keyring, const std::vector<std::string>& ids) {
    auto txn = storage_->Begin(false);
    for (const auto& id : ids) {
      auto row = (*txn)->FindSubject("demo", id);
      if (!row || !*row || !keyring.UnwrapSubjectKey((*row)->wrapped_key, "demo", id, 0))
        return false;
    }
    return true;
  }
  static std::string Id(int i) { return std::string(30, '0') + std::to_string(10 + i); }

  konfid::testing::TempDir dir_;
  std::unique_ptr<ports::Crypto> crypto_;
  std::unique_ptr<ports::Storage> storage_;
  fakes::StepClock clock_{1'700'000'000'000'000};
  SecretBytes old_key_;
  std::unique_ptr<Keyring> server_;
};

TEST_F(KeyRotationTest, AServerFollowsTheEpochAndAStoppedRotationResumes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Id(i));
    ASSERT_TRUE(InsertSubject(*server_, ids.back()));
  }
  SecretBytes new_key = crypto_->NewKey();
  std::string new_check = Keyring::MasterKeyCheck(*crypto_, new_key);
  ASSERT_TRUE(BeginRotation(*storage_, *crypto_, *server_, new_key));
  EXPECT_EQ(BeginRotation(*storage_, *crypto_, *server_, crypto_->NewKey()).error().reason(),
            "rotation_in_progress");
  EXPECT_TRUE(ReadRotationStatus(*storage_)->rewrapping);
  EXPECT_EQ(ReadRotationStatus(*storage_)->epoch, 2);

  // A node with no file of the new key refuses to wrap: its subject could never be read.
  EXPECT_EQ(InsertSubject(*server_, Id(8)).error().reason(), "key_rotated");
  EXPECT_TRUE(server_->stale());
  // Given the key file, it adopts the new key and keeps the old one for unwrapping.
  server_->SetKeySource(
      [&](const std::string& check) {
        return check == new_check ? std::optional(new_key.Clone()) : std::nullopt;
      },
      nullptr);
  ids.push_back(Id(5));
  ASSERT_TRUE(InsertSubject(*server_, ids.back()));
  EXPECT_FALSE(server_->stale());
  EXPECT_EQ(server_->current_check(), new_check);
  EXPECT_TRUE(OpensAll(*server_, ids));

  // The rotation stops after one page of two keys, then a restart: both keys are needed.
  auto first = RewrapSubjectKeys(*storage_, *crypto_, old_key_, new_key, 2, 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 2u);
  auto restarted = std::move(*Keyring::Open(*crypto_, *storage_, new_key.Clone(), false));
  EXPECT_FALSE(OpensAll(*restarted, ids));
  restarted->AddPreviousKey(old_key_.Clone());
  EXPECT_TRUE(OpensAll(*restarted, ids));
  auto rest = RewrapSubjectKeys(*storage_, *crypto_, old_key_, new_key, 2);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, 3u);  // the one created under the new key is left as it is
  ASSERT_TRUE(restarted->LoadAllTenants());
  ASSERT_TRUE(FinishRotation(*storage_, *crypto_, *restarted, clock_, "system:test"));
  EXPECT_FALSE(ReadRotationStatus(*storage_)->rewrapping);

  // Afterwards the new key alone opens everything, and the old one is refused.
  auto after = std::move(*Keyring::Open(*crypto_, *storage_, new_key.Clone(), false));
  EXPECT_TRUE(OpensAll(*after, ids));
  EXPECT_EQ(Keyring::Open(*crypto_, *storage_, old_key_.Clone(), false).error().code(),
            ErrorCode::kPermissionDenied);
}

// A key that a destruction replaced (app/rekey.h) is rewrapped with its generation: after the
// rotation it still opens for the data of that generation, and for no other.
TEST_F(KeyRotationTest, ARotationKeepsTheGenerationOfAReplacedKey) {
  ASSERT_TRUE(InsertSubject(*server_, Id(1), 3));
  SecretBytes new_key = crypto_->NewKey();
  ASSERT_TRUE(BeginRotation(*storage_, *crypto_, *server_, new_key));
  auto rewrapped = RewrapSubjectKeys(*storage_, *crypto_, old_key_, new_key, 10);
  ASSERT_TRUE(rewrapped);
  EXPECT_EQ(*rewrapped, 1u);
  auto after = std::move(*Keyring::Open(*crypto_, *storage_, new_key.Clone(), false));
  auto txn = storage_->Begin(false);
  ASSERT_TRUE(txn);
  auto row = (*txn)->FindSubject("demo", Id(1));
  ASSERT_TRUE(row && *row);
  EXPECT_TRUE(after->UnwrapSubjectKey((*row)->wrapped_key, "demo", Id(1), 3));
  auto older = after->UnwrapSubjectKey((*row)->wrapped_key, "demo", Id(1), 2);
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().reason(), "erased");
}

TEST_F(KeyRotationTest, RevokedKeysAreRefusedOnceTheCacheLapses) {
  ASSERT_TRUE(server_->LoadAllTenants());
  AdminLog log(*crypto_, *server_, clock_);
  ApiKeys here(*storage_, *crypto_, clock_, log), elsewhere(*storage_, *crypto_, clock_, log);
  auto key = here.Create("demo", Role::kSupport, "system:test");
  ASSERT_TRUE(key);
  EXPECT_EQ(here.Create("nosuch", Role::kAdmin, "system:test").error().reason(),
            "tenant_not_configured");
  ASSERT_TRUE(here.Authenticate(key->token));
  ASSERT_TRUE(elsewhere.Authenticate(key->token));  // cached there too
  EXPECT_EQ(here.Revoke("other", key->key_id, "system:test").error().reason(), "no_such_api_key");
  ASSERT_TRUE(here.Revoke("demo", key->key_id, "system:test"));
  EXPECT_EQ(here.Revoke("demo", key->key_id, "system:test").error().reason(), "api_key_revoked");
  EXPECT_FALSE(here.Authenticate(key->token));      // the revoking process: at once
  EXPECT_TRUE(elsewhere.Authenticate(key->token));  // another: until its cache lapses
  clock_.Advance(ApiKeys::kRecheckMicros);
  EXPECT_EQ(elsewhere.Authenticate(key->token).error().reason(), "bad_api_key");
  auto listed = here.List("demo");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].role, "support");
  EXPECT_NE((*listed)[0].revoked_at, 0);
}

}  // namespace
}  // namespace konfid::app
