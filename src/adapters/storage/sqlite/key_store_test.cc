// The key store (docs/operations.md, "The key store"): subject data keys live in a file of their
// own, attached to every connection. An upgrade moves the keys of a schema-14 database there
// and leaves none in the data file; a key store that went missing is refused, not taken for
// an empty one.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/storage/migration.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "test_support.h"

namespace konfid::adapters {

std::vector<Migration> SqliteMigrations();

namespace {

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A database at schema 14 with one subject whose wrapped key is 72 bytes of `fill`.
void MakeSchema14(const std::string& path, uint8_t fill) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);";
  for (const auto& m : SqliteMigrations()) {
    if (m.version > 14) break;
    sql += std::string(m.sql) + "\nINSERT INTO schema_migrations (version, name) VALUES (" +
           std::to_string(m.version) + ", '" + std::string(m.name) + "');";
  }
  std::string key(72, static_cast<char>(fill));
  sql +=
      "INSERT INTO subjects (tenant_id, subject_id, wrapped_key, fields, created_at,"
      " updated_at) VALUES ('t', 's1', x'" +
      std::string(144, '0') + "', x'00', 1, 1);";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "UPDATE subjects SET wrapped_key = ?1", -1, &s, nullptr);
  sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

// Opens and migrates `path`; its subject s1 reads back with the key MakeSchema14 gave it.
void MigrateAndReadKey(const std::string& path, uint8_t fill) {
  auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(storage);
  ASSERT_TRUE((*storage)->Migrate());
  ASSERT_TRUE((*storage)->CheckSchema());
  auto txn = (*storage)->Begin(false);
  ASSERT_TRUE(txn);
  auto row = (*txn)->FindSubject("t", "s1");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((**row).wrapped_key, Bytes(72, fill));
}

TEST(SqliteKeyStore, AnUpgradeMovesEveryKeyOutOfTheDataFile) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/konfid.db";
  ASSERT_NO_FATAL_FAILURE(MakeSchema14(path, 0xA7));
  std::string key(72, static_cast<char>(0xA7));
  ASSERT_NE(Contents(path).find(key), std::string::npos);  // the scan sees it before
  ASSERT_NO_FATAL_FAILURE(MigrateAndReadKey(path, 0xA7));
  EXPECT_EQ(KeyStorePathFor(path), dir.path() + "/konfid-keys.db");
  EXPECT_EQ(Contents(path).find(key), std::string::npos);
  EXPECT_NE(Contents(KeyStorePathFor(path)).find(key), std::string::npos);
}

// A crash in the middle of 15's commit may keep the data file's half (15 recorded) and lose the
// key store's: the column is dropped only once the key store holds every key again.
TEST(SqliteKeyStore, TheOldColumnIsDroppedOnlyOnceEveryKeyIsInTheKeyStore) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/konfid.db";
  ASSERT_NO_FATAL_FAILURE(MakeSchema14(path, 0x5C));
  std::string sql = "INSERT INTO schema_migrations (version, name) VALUES (15, 'lost');";
  ASSERT_EQ(konfid::testing::RunSql(path, sql), "");
  ASSERT_NO_FATAL_FAILURE(MigrateAndReadKey(path, 0x5C));
}

// A crash between the two files' commits of an erasure can keep the row's deletion alone: after
// an unclean stop (a WAL left behind), the key without its row is deleted at the next open.
TEST(SqliteKeyStore, AKeyLeftWithoutItsRowIsDeletedAfterAnUncleanStop) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/konfid.db";
  {
    auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
    ASSERT_TRUE(storage);
    ASSERT_TRUE((*storage)->Migrate());
    auto txn = (*storage)->Begin(true);
    ASSERT_TRUE(txn);
    for (const char* id : {"gone", "kept"}) {
      ports::SubjectRow row;
      row.tenant = "t";
      row.id = id;
      row.wrapped_key = Bytes(72, 0x11);
      row.fields = Bytes(1, 0);
      ASSERT_TRUE((*txn)->InsertSubject(row));
    }
    ASSERT_TRUE((*txn)->Commit());
  }
  // The data file's half of an erasure, committed through a connection left open: its WAL
  // stays, as a crashed process's would.
  sqlite3* crashed = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &crashed), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(crashed,
                         "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                         " DELETE FROM subjects WHERE subject_id = 'gone'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(storage);
  auto txn = (*storage)->Begin(false);
  ASSERT_TRUE(txn);
  auto keys = (*txn)->ListSubjectKeys("", "", 10);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].id, "kept");
  txn->reset();
  sqlite3_close(crashed);
}

TEST(SqliteKeyStore, AMissingKeyStoreIsRefusedRatherThanTakenForAnEmptyOne) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/konfid.db";
  {
    auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
    ASSERT_TRUE(storage);
    ASSERT_TRUE((*storage)->Migrate());
  }
  std::filesystem::remove(KeyStorePathFor(path));
  auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(storage);
  auto st = (*storage)->CheckSchema();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "the key store holds no keys");
}

TEST(SqliteKeyStore, AKeyStoreRemovedUnderARunningServerMakesItUnready) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/konfid.db";
  auto storage = SqliteStorage::Open({path, true, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(storage);
  ASSERT_TRUE((*storage)->Migrate());
  ASSERT_TRUE((*storage)->CheckSchema());
  std::filesystem::remove(KeyStorePathFor(path));
  auto st = (*storage)->CheckSchema();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "the key store file is gone");
}

}  // namespace
}  // namespace konfid::adapters
