// An erasure on SQLite leaves nothing of the erased row in the WAL, and the WAL sync goes on
// with the same file afterwards (the truncation is in place).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/storage/sqlite/sqlite_storage.h"
#include "test_support.h"

namespace konfid::adapters {
namespace {

struct FileState {
  uint64_t inode = 0;
  int64_t size = -1;
};

FileState Stat(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size)};
}

// Whether any file of `dir` holds `needle`.
bool AnyFileHolds(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

ports::SubjectRow Row(const std::string& id, uint8_t fill) {
  ports::SubjectRow row;
  row.tenant = "t";
  row.id = id;
  row.wrapped_key = Bytes(72, fill);
  row.fields = Bytes(300, static_cast<uint8_t>(fill + 1));
  return row;
}

Status Write(SqliteStorage& storage, const std::function<Status(ports::Transaction&)>& fn) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(true));
  KONFID_TRY(fn(*txn));
  KONFID_TRY(txn->CommitUnsynced());
  return storage.Sync();  // as the group committer does, on its own
}

TEST(SqliteErasure, TruncatesTheWalInPlaceAndTheSyncGoesOn) {
  konfid::testing::TempDir dir;
  auto storage =
      SqliteStorage::Open({dir.path() + "/k.db", true, 5000, &konfid::testing::RealClock()});
  ASSERT_TRUE(storage);
  ASSERT_TRUE((*storage)->Migrate());
  std::string wal = dir.path() + "/k.db-wal";
  ASSERT_TRUE(
      Write(**storage, [](ports::Transaction& t) { return t.InsertSubject(Row("a", 0xA0)); }));
  ASSERT_TRUE(
      Write(**storage, [](ports::Transaction& t) { return t.InsertSubject(Row("b", 0xB0)); }));
  std::string key_a(72, static_cast<char>(0xA0)), key_b(72, static_cast<char>(0xB0));
  ASSERT_TRUE(AnyFileHolds(dir.path(), key_a));
  FileState before = Stat(wal);
  ASSERT_GT(before.size, 0);

  ASSERT_TRUE(Write(**storage, [](ports::Transaction& t) -> Status {
    KONFID_ASSIGN_OR_RETURN(bool deleted, t.DeleteSubject("t", "a"));
    EXPECT_TRUE(deleted);
    return Ok();
  }));
  // Within a bounded time, without closing anything.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (Stat(wal).size != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(Stat(wal).size, 0);
  EXPECT_FALSE(AnyFileHolds(dir.path(), key_a));
  EXPECT_TRUE(AnyFileHolds(dir.path(), key_b));  // checkpointed into the database, not lost

  // The same file goes on: new commits land in it and are synced.
  ASSERT_TRUE(
      Write(**storage, [](ports::Transaction& t) { return t.InsertSubject(Row("c", 0xC0)); }));
  EXPECT_EQ(Stat(wal).inode, before.inode);
  EXPECT_GT(Stat(wal).size, 0);
  auto txn = (*storage)->Begin(false);
  ASSERT_TRUE(txn);
  auto b = (*txn)->FindSubject("t", "b");
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->wrapped_key, Bytes(72, 0xB0));
  auto a = (*txn)->FindSubject("t", "a");
  ASSERT_TRUE(a);
  EXPECT_FALSE(*a);
}

}  // namespace
}  // namespace konfid::adapters
