#include "cli/backup_files.h"

#include <gtest/gtest.h>

namespace konfid::cli {
namespace {

UnixMicros At(const char* rfc) { return *ParseRfc3339(rfc); }

TEST(BackupFiles, NamesCarryTheUtcTimeTheBackupBegan) {
  std::string stamp = BackupStamp(At("2026-12-07T06:30:05.123456Z"));
  EXPECT_EQ(stamp, "20261207T063005Z");
  EXPECT_EQ(DataBackupName(stamp), "konfid-data-20261207T063005Z.db");
  EXPECT_EQ(KeyBackupName(stamp), "konfid-keys-20261207T063005Z.db");
  EXPECT_EQ(KeyBackupTime(KeyBackupName(stamp)), At("2026-12-07T06:30:05Z"));
  EXPECT_EQ(KeyBackupName(stamp, true), "konfid-keys-20261207T063005Z.dump");
  EXPECT_EQ(KeyBackupTime(KeyBackupName(stamp, true)), At("2026-12-07T06:30:05Z"));
}

TEST(BackupFiles, OnlyWellFormedKeyBackupNamesHaveATime) {
  for (const char* name :
       {"konfid-data-20261207T063005Z.db", "konfid-keys-20261207T063005Z.db.restoring",
        "konfid-keys-20261307T063005Z.db", "konfid-keys-2026120XT063005Z.db",
        "konfid-keys-20261207 063005Z.db", "konfid-keys-20261207T063005Z.sql", "notes.txt",
        "konfid-keys-.db"})
    EXPECT_FALSE(KeyBackupTime(name).has_value()) << name;
}

TEST(BackupFiles, KeyBackupsPastTheTermArePrunedAndNothingElse) {
  std::vector<std::string> names = {
      "konfid-keys-20261106T063000Z.db",  // 31 days before: past the term
      "konfid-keys-20261107T063000Z.db",  // 30 days exactly: kept
      "konfid-keys-20261207T060000Z.db",  // today
      "konfid-data-20260101T000000Z.db",  // a data backup, however old: not this list's
      "konfid-keys-20250101T000000Z.db.restoring", "readme.txt"};
  EXPECT_EQ(KeyBackupsPastTerm(names, At("2026-12-07T06:30:00Z"), 30),
            std::vector<std::string>{"konfid-keys-20261106T063000Z.db"});
  EXPECT_EQ(KeyBackupsPastTerm(names, At("2026-12-07T06:30:00Z"), 0).size(), 3u);
}

}  // namespace
}  // namespace konfid::cli
