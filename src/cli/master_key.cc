#include "cli/master_key.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace konfid::cli {

std::string MasterKeyPath(const std::string& data_dir) { return data_dir + "/master.key"; }

Result<SecretBytes> ParseHexKey(std::string_view hex, const std::string& where) {
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' '))
    hex.remove_suffix(1);
  auto bytes = HexDecode(hex);
  if (!bytes || bytes->size() != ports::kKeySize)
    return Fail(ErrorCode::kInvalidArgument,
                where + " must hold a 32-byte key as 64 hex characters");
  SecretBytes key(bytes->data(), bytes->size());
  SecureWipe(bytes->data(), bytes->size());
  return key;
}

Status WriteKeyFile(const std::string& path, const SecretBytes& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Fail(ErrorCode::kUnavailable, "cannot create " + path + ": " + std::strerror(errno));
  std::string hex = HexEncode(key.span()) + "\n";
  bool ok =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  SecureWipe(hex.data(), hex.size());
  ::close(fd);
  if (!ok) return Fail(ErrorCode::kUnavailable, "cannot write " + path);
  return Ok();
}

Result<SecretBytes> ReadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Fail(ErrorCode::kNotFound,
                "no master key: " + path +
                    " does not exist and KONFID_MASTER_KEY is not set (run 'konfid init')");
  if (st.st_mode & 077)
    return Fail(ErrorCode::kPermissionDenied,
                path + " is readable by group or others; run: chmod 600 " + path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Fail(ErrorCode::kUnavailable, "cannot read " + path + ": " + std::strerror(errno));
  char buf[130];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0) return Fail(ErrorCode::kUnavailable, "cannot read " + path);
  auto key = ParseHexKey(std::string_view(buf, static_cast<size_t>(n)), path);
  SecureWipe(buf, sizeof buf);
  return key;
}

std::string NextKeyPath(const std::string& data_dir) { return MasterKeyPath(data_dir) + ".next"; }

Result<RotationLock> RotationLock::Acquire(const std::string& data_dir) {
  std::string path = MasterKeyPath(data_dir) + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Fail(ErrorCode::kUnavailable, "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Fail(Error(ErrorCode::kUnavailable, "another 'konfid keys rotate' is running")
                    .WithReason("rotation_running"));
  }
  return RotationLock(fd);
}

RotationLock::~RotationLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

namespace {

// What the database says about the key in master.key.next, read in one transaction.
struct DatabaseKeys {
  std::string check;     // the current key's
  std::string previous;  // non-empty while a rotation rewraps
};

Result<DatabaseKeys> ReadDatabaseKeys(ports::Storage& storage) {
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto check, txn->GetMeta(app::kMasterKeyCheckMeta));
  KONFID_ASSIGN_OR_RETURN(auto previous, txn->GetMeta(app::kPreviousKeyCheckMeta));
  return DatabaseKeys{check.value_or(""), previous.value_or("")};
}

}  // namespace

Result<MasterKeys> LoadMasterKey(const std::string& data_dir, const std::optional<std::string>& env,
                                 ports::Crypto& crypto, ports::Storage& storage, bool rotating) {
  MasterKeys out;
  if (env) {
    KONFID_ASSIGN_OR_RETURN(out.current, ParseHexKey(*env, "KONFID_MASTER_KEY"));
    return out;
  }
  std::string path = MasterKeyPath(data_dir), next = NextKeyPath(data_dir);
  KONFID_ASSIGN_OR_RETURN(out.current, ReadKeyFile(path));
  if (!std::filesystem::exists(next)) return out;
  KONFID_ASSIGN_OR_RETURN(DatabaseKeys db, ReadDatabaseKeys(storage));
  KONFID_ASSIGN_OR_RETURN(SecretBytes next_key, ReadKeyFile(next));
  // The files are renamed or removed only under the rotation lock: a `keys rotate` running
  // now may have just written the next key, or be about to rename it itself.
  std::optional<RotationLock> held;
  if (!rotating) {
    if (auto lock = RotationLock::Acquire(data_dir)) held.emplace(std::move(*lock));
  }
  bool may_touch_files = rotating || held.has_value();
  if (db.check == app::Keyring::MasterKeyCheck(crypto, next_key)) {
    if (!db.previous.empty()) {  // still rewrapping: both keys are needed
      out.previous = std::move(out.current);
      out.current = std::move(next_key);
      return out;
    }
    // The rotation ended and stopped before its rename.
    if (may_touch_files && ::rename(next.c_str(), path.c_str()) != 0 && errno != ENOENT)
      return Fail(ErrorCode::kUnavailable, "cannot finish the key rotation: rename " + next);
    out.current = std::move(next_key);
    return out;
  }
  // The database never adopted it: a rotation that stopped before it began.
  if (may_touch_files) std::filesystem::remove(next);
  return out;
}

app::MasterKeySource KeyFileSource(std::string data_dir, ports::Crypto& crypto) {
  return [data_dir = std::move(data_dir), &crypto](const std::string& check) {
    std::optional<SecretBytes> found;
    for (const auto& path : {NextKeyPath(data_dir), MasterKeyPath(data_dir)}) {
      auto key = ReadKeyFile(path);
      if (key && app::Keyring::MasterKeyCheck(crypto, *key) == check) {
        found = std::move(*key);
        break;
      }
    }
    return found;
  };
}

}  // namespace konfid::cli
