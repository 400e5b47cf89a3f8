// The storage contract on SQLite.
#include "storage_contract.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "test_support.h"

namespace konfid::contract {
namespace {

std::unique_ptr<ports::Storage> OpenSqlite() {
  static konfid::testing::TempDir dir;
  static int n = 0;
  auto s = adapters::SqliteStorage::Open(
      {dir.path() + "/t" + std::to_string(n++) + ".db", true, 5000, &konfid::testing::RealClock()});
  return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageContract, ::testing::Values(StorageFactory(OpenSqlite)));

// Only durable commits leave the sync to Sync(); at synchronous = "normal" nothing syncs.
TEST(SqliteSync, OnlyDurableCommitsSyncSeparately) {
  konfid::testing::TempDir dir;
  auto full = adapters::SqliteStorage::Open(
      {dir.path() + "/full.db", true, 5000, &konfid::testing::RealClock()});
  auto normal = adapters::SqliteStorage::Open(
      {dir.path() + "/normal.db", false, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(full && normal);
  EXPECT_TRUE((*full)->syncs_separately());
  EXPECT_FALSE((*normal)->syncs_separately());
  ASSERT_TRUE((*full)->Migrate());
  EXPECT_TRUE((*full)->Sync());
}

}  // namespace
}  // namespace konfid::contract
