// The storage contract on a real PostgreSQL: the throwaway cluster of this ctest run.
#include "adapters/storage/postgres/pg_storage.h"
#include "storage_contract.h"
#include "test_support.h"

namespace konfid::contract {
namespace {

std::unique_ptr<ports::Storage> OpenPostgres() {
  std::string url = konfid::testing::FreshPostgresDatabase();
  EXPECT_FALSE(url.empty()) << "KONFID_TEST_PG_FILE is not set: run under ctest";
  auto s = adapters::PgStorage::Open(url);
  EXPECT_TRUE(s) << (s ? "" : s.error().detail());
  return s ? std::move(*s) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StorageContract,
                         ::testing::Values(StorageFactory(OpenPostgres)));

}  // namespace
}  // namespace konfid::contract
