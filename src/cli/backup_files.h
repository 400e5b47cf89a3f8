// The files `konfid backup` writes and prunes (docs/operations.md, "Backups"):
//   data backup       = "konfid-data-" stamp suffix
//   key-store backup  = "konfid-keys-" stamp suffix
//   stamp             = YYYYMMDD "T" HHMMSS "Z"     (UTC, when the backup began)
//   suffix            = ".db"                       (SQLite files)
//                     | ".dump"                     (PostgreSQL: pg_dump's custom format)
// Key-store backups are kept only for the erasure term: past it, a copy of a destroyed key
// would still open what an erasure was meant to make unreadable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace konfid::cli {

inline constexpr int kDefaultKeyBackupDays = 30;  // 152-FZ, Art. 21(5): 30 days to destroy

std::string BackupStamp(UnixMicros t);
// `postgres`: the ".dump" suffix, else ".db".
std::string DataBackupName(std::string_view stamp, bool postgres = false);
std::string KeyBackupName(std::string_view stamp, bool postgres = false);

// When the key-store backup named `name` was taken; nullopt for any other name.
std::optional<UnixMicros> KeyBackupTime(std::string_view name);

// The names among `names` of key-store backups taken more than `keep_days` days before `now`,
// in the order given. Other files are never listed.
std::vector<std::string> KeyBackupsPastTerm(const std::vector<std::string>& names, UnixMicros now,
                                            int keep_days);

// Removes from `dir` the key-store backups KeyBackupsPastTerm names, calling `removed` with
// each one's path after it is gone. Unavailable when `dir` cannot be listed or a file removed.
Status RemoveKeyBackupsPastTerm(const std::string& dir, UnixMicros now, int keep_days,
                                const std::function<void(const std::string& path)>& removed);

}  // namespace konfid::cli
