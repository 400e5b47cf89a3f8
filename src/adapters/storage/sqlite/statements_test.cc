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

// A database of the current schema in `dir`, opened read-only, its key store attached.
void OpenMigrated(const konfid::testing::TempDir& dir, sqlite3** db) {
  std::string path = dir.path() + "/k.db";
  {
    auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
    ASSERT_TRUE(storage);
    ASSERT_TRUE((*storage)->Migrate());
  }
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string attach = "ATTACH DATABASE '" + KeyStorePathFor(path) + "' AS konfid_keys";
  ASSERT_EQ(sqlite3_exec(*db, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
}

TEST(SqliteStatements, EveryOnePreparesAgainstTheSchema) {
  konfid::testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_NO_FATAL_FAILURE(OpenMigrated(dir, &db));
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

// The plan SQLite chooses for `stmt`, its lines joined.
std::string PlanOf(sqlite3* db, Stmt stmt) {
  std::string sql = std::string("EXPLAIN QUERY PLAN ") + SqliteStatements()[stmt];
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return sqlite3_errmsg(db);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3)) + std::string("\n");
  sqlite3_finalize(s);
  return plan;
}

// The reads of one subject's rows go by the index on (tenant, subject), not by a walk of the
// whole tenant: without statistics SQLite 3.40 prefers the primary key when it can
// (docs/benchmarks.md, 2026-12-02).
TEST(SqliteStatements, OneSubjectsRowsAreFoundByItsIndex) {
  konfid::testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_NO_FATAL_FAILURE(OpenMigrated(dir, &db));
  EXPECT_NE(PlanOf(db, Stmt::kListSubjectRequests).find("INDEX requests_by_subject"),
            std::string::npos)
      << PlanOf(db, Stmt::kListSubjectRequests);
  EXPECT_NE(PlanOf(db, Stmt::kListSubjectDisclosures).find("INDEX disclosures_by_subject"),
            std::string::npos)
      << PlanOf(db, Stmt::kListSubjectDisclosures);
  EXPECT_NE(PlanOf(db, Stmt::kListRecipientDisclosures).find("INDEX disclosures_by_recipient"),
            std::string::npos)
      << PlanOf(db, Stmt::kListRecipientDisclosures);
  EXPECT_NE(PlanOf(db, Stmt::kListSubjectOutbox).find("INDEX outbox_by_subject"), std::string::npos)
      << PlanOf(db, Stmt::kListSubjectOutbox);
  sqlite3_close_v2(db);
}

// The events purge and a visitor's latest choice walk the primary key from the tenant's
// oldest row or the visitor's newest, not the whole table: both run on tables of millions.
TEST(SqliteStatements, TechnicalEventsAreFoundByTheirKeys) {
  konfid::testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_NO_FATAL_FAILURE(OpenMigrated(dir, &db));
  for (Stmt stmt : {Stmt::kDeleteTechEventsBefore, Stmt::kFindCookieChoice,
                    Stmt::kDeleteCookieChoicesBefore, Stmt::kListTechEvents}) {
    std::string plan = PlanOf(db, stmt);
    EXPECT_EQ(plan.find("SCAN tech_events\n"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN cookie_choices\n"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("USE TEMP B-TREE"), std::string::npos) << plan;
  }
  sqlite3_close_v2(db);
}

}  // namespace
}  // namespace konfid::adapters
