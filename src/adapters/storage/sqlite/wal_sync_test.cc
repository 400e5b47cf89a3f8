#include "adapters/storage/sqlite/wal_sync.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "test_support.h"

namespace konfid::adapters::sqlite_internal {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

uint64_t Inode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return static_cast<uint64_t>(st.st_ino);
}

TEST(WalSync, NoWalIsNothingToSync) {
  konfid::testing::TempDir dir;
  WalSync sync(dir.path() + "/k.db");
  EXPECT_TRUE(sync.Sync());
  EXPECT_EQ(sync.syncs(), 0u);
}

TEST(WalSync, SyncsTheWalAndFollowsAReplacedFile) {
  konfid::testing::TempDir dir;
  std::string wal = dir.path() + "/k.db-wal";
  WalSync sync(dir.path() + "/k.db");
  Write(wal, "frames");
  ASSERT_TRUE(sync.Sync());
  Write(wal, "more frames");  // the same file, written by another descriptor
  ASSERT_TRUE(sync.Sync());
  EXPECT_EQ(sync.syncs(), 2u);
  EXPECT_EQ(sync.inode(), Inode(wal));
  uint64_t old_inode = sync.inode();
  std::string kept = dir.path() + "/old-wal";  // kept, so the new file cannot reuse its inode
  ASSERT_EQ(std::rename(wal.c_str(), kept.c_str()), 0);
  Write(wal, "new frames");  // every connection closed, then a new WAL begun
  ASSERT_TRUE(sync.Sync());
  EXPECT_EQ(sync.syncs(), 3u);
  EXPECT_NE(sync.inode(), old_inode);
  EXPECT_EQ(sync.inode(), Inode(wal));
}

}  // namespace
}  // namespace konfid::adapters::sqlite_internal
