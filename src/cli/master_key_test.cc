// The key files across a rotation, on a real SQLite database: which keys a command loads
// while a rotation rewraps, how a stopped rotation is finished or forgotten at the next start,
// and that a running rotation's files are left alone.
#include "cli/master_key.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/key_rotation.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::cli {
namespace {

class MasterKeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/konfid.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(storage_->Migrate());
    old_key_ = crypto_->NewKey();
    ASSERT_TRUE(WriteKeyFile(MasterKeyPath(dir_.path()), old_key_));
    keyring_ = std::move(*app::Keyring::Open(*crypto_, *storage_, old_key_.Clone(), true));
  }
  Result<MasterKeys> Load(bool rotating = false) {
    return LoadMasterKey(dir_.path(), std::nullopt, *crypto_, *storage_, rotating);
  }
  bool Same(const SecretBytes& a, const SecretBytes& b) {
    return crypto_->Equal(a.span(), b.span());
  }
  bool NextExists() { return std::filesystem::exists(NextKeyPath(dir_.path())); }

  konfid::testing::TempDir dir_;
  std::unique_ptr<ports::Crypto> crypto_;
  std::unique_ptr<ports::Storage> storage_;
  SecretBytes old_key_;
  std::unique_ptr<app::Keyring> keyring_;
  fakes::StepClock clock_{1'700'000'000'000'000};
};

TEST_F(MasterKeyFiles, AStoppedRotationLoadsBothKeysThenFinishesItsRename) {
  SecretBytes new_key = crypto_->NewKey();
  ASSERT_TRUE(WriteKeyFile(NextKeyPath(dir_.path()), new_key));
  ASSERT_TRUE(app::BeginRotation(*storage_, *crypto_, *keyring_, new_key));
  // Stopped while rewrapping: the next command gets the new key and keeps the old one.
  auto keys = Load();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(Same(keys->current, new_key));
  EXPECT_TRUE(Same(keys->previous, old_key_));
  EXPECT_TRUE(NextExists());

  ASSERT_TRUE(app::RewrapSubjectKeys(*storage_, *crypto_, old_key_, new_key));
  auto reopened = std::move(*app::Keyring::Open(*crypto_, *storage_, new_key.Clone(), false));
  ASSERT_TRUE(app::FinishRotation(*storage_, *crypto_, *reopened, clock_, "system:test"));
  // Stopped before the rename: the next start renames, and the old key is gone.
  keys = Load();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(Same(keys->current, new_key));
  EXPECT_TRUE(keys->previous.empty());
  EXPECT_FALSE(NextExists());
  EXPECT_TRUE(Same(*ReadKeyFile(MasterKeyPath(dir_.path())), new_key));
}

TEST_F(MasterKeyFiles, ANextKeyTheDatabaseNeverAdoptedIsRemovedUnlessARotationRuns) {
  ASSERT_TRUE(WriteKeyFile(NextKeyPath(dir_.path()), crypto_->NewKey()));
  {
    auto running = RotationLock::Acquire(dir_.path());  // a rotation about to begin
    ASSERT_TRUE(running);
    EXPECT_EQ(RotationLock::Acquire(dir_.path()).error().reason(), "rotation_running");
    auto keys = Load();
    ASSERT_TRUE(keys);
    EXPECT_TRUE(Same(keys->current, old_key_));
    EXPECT_TRUE(NextExists());  // its key, not stale
  }
  auto keys = Load();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(Same(keys->current, old_key_));
  EXPECT_FALSE(NextExists());
}

}  // namespace
}  // namespace konfid::cli
