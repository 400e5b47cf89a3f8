#include "adapters/storage/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters {

using sqlite_internal::Connection;

namespace {

// Runs `sql` with `file` bound as ?1.
Status ExecWithFile(Connection& c, const char* sql, const std::string& file) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(c.db(), sql, -1, &s, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, file.c_str(), -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
  }
  std::string message = sqlite3_errmsg(c.db());
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return Fail(ErrorCode::kUnavailable, "cannot write the backup " + file, message);
  return Ok();
}

// The subjects ("tenant/id") the key store has no key for.
Result<std::vector<std::string>> SubjectsWithoutKeys(Connection& c) {
  KONFID_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      c.Prepare("SELECT s.tenant_id || '/' || s.subject_id FROM subjects s WHERE NOT EXISTS"
                " (SELECT 1 FROM konfid_keys.subject_keys k WHERE k.tenant_id = s.tenant_id"
                " AND k.subject_id = s.subject_id) ORDER BY s.tenant_id, s.subject_id"));
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(sqlite_internal::ColText(s, 0));
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return Fail(sqlite_internal::SqlError(c.db(), rc, "restore"));
  return out;
}

// The one-row integer answer of `sql` on the SQLite file `file`, opened read-only; -1 when
// the file is not a database or the query fails.
int64_t AskFile(const std::string& file, const char* sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  int64_t n = rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return n;
}

// A data backup has subjects without their keys (schema 16 on); a key-store backup has
// subject_keys.
Status CheckBackupFile(const std::string& file, bool keys) {
  const char* kind = keys ? "key-store" : "data";
  if (!std::filesystem::is_regular_file(file))
    return Fail(ErrorCode::kInvalidArgument, std::string("no ") + kind + " backup at " + file);
  const char* table = keys ? "subject_keys" : "subjects";
  std::string has = std::string("SELECT count(*) FROM sqlite_master WHERE name = '") + table + "'";
  if (AskFile(file, has.c_str()) <= 0)
    return Fail(ErrorCode::kInvalidArgument,
                file + " is not a Konfid " + kind + " backup (it has no table " + table + ")");
  if (!keys && AskFile(file,
                       "SELECT count(*) FROM pragma_table_info('subjects')"
                       " WHERE name = 'wrapped_key'") != 0)
    return Fail(ErrorCode::kInvalidArgument,
                file +
                    " holds the subjects' keys (a copy from before the key store): restore "
                    "it with a konfid of its own version, or not at all");
  return Ok();
}

Status SyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return Fail(ErrorCode::kUnavailable, "cannot sync " + path, why);
  }
  ::close(fd);
  return Ok();
}

// Copies `from` beside `to`, syncs it, removes `to`'s WAL and shared memory (frames of the
// file being replaced, which SQLite would otherwise replay into the restored one), and renames
// the copy over `to`.
Status PutInPlace(const std::string& from, const std::string& to) {
  std::string tmp = to + ".restoring";
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  if (!std::filesystem::copy_file(from, tmp, ec))
    return Fail(ErrorCode::kUnavailable, "cannot copy " + from + " to " + tmp, ec.message());
  KONFID_TRY(SyncPath(tmp));
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(to + suffix, ec);
  if (::rename(tmp.c_str(), to.c_str()) != 0)
    return Fail(ErrorCode::kUnavailable, "cannot rename " + tmp + " to " + to,
                std::strerror(errno));
  return SyncPath(std::filesystem::path(to).parent_path().string());
}

}  // namespace

Status BackupSqlite(const SqliteOptions& live, const std::string& data_out,
                    const std::string& keys_out) {
  for (const auto* out : {&data_out, &keys_out})
    if (std::filesystem::exists(*out))
      return Fail(ErrorCode::kConflict, *out + " exists already: a backup never overwrites");
  const std::string keys_path =
      live.key_store_path.empty() ? KeyStorePathFor(live.path) : live.key_store_path;
  if (AskFile(keys_path, "SELECT count(*) FROM sqlite_master WHERE name = 'subject_keys'") <= 0)
    return Fail(ErrorCode::kUnavailable, "the key store holds no keys",
                keys_path + " is missing or not this database's key store");
  KONFID_ASSIGN_OR_RETURN(auto c, Connection::Open(live));
  KONFID_TRY(ExecWithFile(*c, "VACUUM main INTO ?1", data_out));
  KONFID_TRY(ExecWithFile(*c, "VACUUM konfid_keys INTO ?1", keys_out));
  KONFID_TRY(SyncPath(data_out));
  return SyncPath(keys_out);
}

Result<bool> SqliteInUse(const std::string& path) {
  int fd = ::open((path + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;  // no connection since the last one closed
    return Fail(ErrorCode::kUnavailable, "cannot open " + path + "-shm", std::strerror(errno));
  }
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  int rc = ::fcntl(fd, F_GETLK, &lock);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return Fail(ErrorCode::kUnavailable, "cannot test the lock on " + path, strerror(err));
  return lock.l_type != F_UNLCK;
}

Result<SqliteRestoreReport> RestoreSqlite(const SqliteOptions& live, const std::string& data_in,
                                          const std::string& keys_in) {
  const std::string keys_path =
      live.key_store_path.empty() ? KeyStorePathFor(live.path) : live.key_store_path;
  for (const std::string* path : {&live.path, &keys_path}) {
    KONFID_ASSIGN_OR_RETURN(bool busy, SqliteInUse(*path));
    if (busy)
      return Fail(ErrorCode::kConflict,
                  *path + " is open in another process: stop every konfid using it first");
  }
  KONFID_TRY(CheckBackupFile(data_in, false));
  if (!keys_in.empty()) KONFID_TRY(CheckBackupFile(keys_in, true));
  KONFID_TRY(PutInPlace(data_in, live.path));
  if (!keys_in.empty()) KONFID_TRY(PutInPlace(keys_in, keys_path));
  KONFID_ASSIGN_OR_RETURN(auto c, Connection::Open(live));
  KONFID_ASSIGN_OR_RETURN(auto without_keys, SubjectsWithoutKeys(*c));
  return SqliteRestoreReport{std::move(without_keys)};
}

}  // namespace konfid::adapters
