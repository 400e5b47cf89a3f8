// Backups of a SQLite deployment: the data file and the key store, each copied apart, online,
// as one consistent snapshot; and their restore into a data directory no process has open
// (docs/operations.md, "Backups").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_storage.h"
#include "core/error.h"

namespace konfid::adapters {

// Writes the data to `data_out`, then the key store to `keys_out` (neither may exist), while
// servers go on writing. The data goes first: a subject created between the two copies has a
// key in the second and no row in the first (harmless); one erased between them has a row in
// the first and no key in the second, and stays unreadable, as an erased subject must.
Status BackupSqlite(const SqliteOptions& live, const std::string& data_out,
                    const std::string& keys_out);

// Whether another process has the database at `path` open (a `konfid serve`, say): every
// connection to a WAL database holds a lock on its shared-memory file while open.
Result<bool> SqliteInUse(const std::string& path);

struct SqliteRestoreReport {
  // Subjects of the restored data ("tenant/id") that the key store has no key for: erased
  // after the data backup was taken. They answer `erased` and can never be read again; a
  // DELETE removes what is left of them.
  std::vector<std::string> without_keys;
};

// Puts `data_in` in place of the live data file and, when `keys_in` is not empty, that key
// store in place of the live one. Conflict while a process has either open;
// InvalidArgument when a file is not a Konfid backup of its kind.
Result<SqliteRestoreReport> RestoreSqlite(const SqliteOptions& live, const std::string& data_in,
                                          const std::string& keys_in);

}  // namespace konfid::adapters
