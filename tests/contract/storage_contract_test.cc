// The storage contract on SQLite.
#include "storage_contract.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "test_support.h"

namespace konfid::contract {
namespace {

std::unique_ptr<ports::Storage> OpenSqlite() {
  static konfid::testing::TempDir dir;
  static int n = 0;
  auto s =
      adapters::SqliteStorage::Open({dir.path() + "/t" + std::to_string(n++) + ".db", true, 5000});
  return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageContract, ::testing::Values(StorageFactory(OpenSqlite)));

}  // namespace
}  // namespace konfid::contract
