// Backups of a PostgreSQL deployment through Debian's pg_dump and pg_restore: the data (every
// schema but konfid_keys) and the key store (the schema konfid_keys) in two dumps, each one
// consistent snapshot, taken while servers go on writing (docs/operations.md, "Backups").
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace konfid::adapters {

// Dumps the data to `data_out`, then the key store to `keys_out` (custom format, not
// compressed; neither file may exist). The data goes first, as on SQLite
// (adapters/storage/sqlite/sqlite_backup.h). A password in `url` reaches pg_dump through
// PGPASSWORD, never its command line.
// `env` is the environment the tools run in (main/ hands over its own).
Status BackupPostgres(const std::string& url, const std::string& data_out,
                      const std::string& keys_out, const std::vector<std::string>& env);

// Restores the data dump `data_in` over the database's data tables and, when `keys_in` is not
// empty, that key-store dump over konfid_keys. Conflict while another session is connected to
// the database (a `konfid serve`); InvalidArgument when a file is not a dump of its kind.
// Returns the restored subjects ("tenant/id") the key store has no key for.
Result<std::vector<std::string>> RestorePostgres(const std::string& url, const std::string& data_in,
                                                 const std::string& keys_in,
                                                 const std::vector<std::string>& env);

}  // namespace konfid::adapters
