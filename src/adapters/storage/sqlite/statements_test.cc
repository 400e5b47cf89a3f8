// Every shared statement (adapters/storage/statements.h), in SQLite's spelling, compiles
// against the migrated schema and takes as many parameters as it numbers: a statement that
// no contract case runs yet still cannot be broken for one backend only.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "adapters/storage/sqlite/sqlite_storage.h"
#include "adapters/storage/statements.h"
#include "test_support.h"

namespace konfid::adapters {
namespace {

TEST(SqliteStatements, EveryOnePreparesAgainstTheSchema) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/k.db";
  {
    auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
    ASSERT_TRUE(storage);
    ASSERT_TRUE((*storage)->Migrate());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  for (size_t i = 0; i < kStatementCount; ++i) {
    const char* text = SqliteStatements()[static_cast<Stmt>(i)];
    std::string pg = PostgresStatements()[static_cast<Stmt>(i)];
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, text, -1, &s, nullptr), SQLITE_OK)
        << text << ": " << sqlite3_errmsg(db);
    int numbered = 0;
    for (size_t at = pg.find('$'); at != std::string::npos; at = pg.find('$', at + 1)) ++numbered;
    EXPECT_EQ(sqlite3_bind_parameter_count(s), numbered) << text;
    sqlite3_finalize(s);
  }
  sqlite3_close_v2(db);
}

}  // namespace
}  // namespace konfid::adapters
