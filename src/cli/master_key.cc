#include "cli/master_key.h"

#include <fcntl.h>
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

Result<SecretBytes> LoadMasterKey(const std::string& data_dir,
                                  const std::optional<std::string>& env, ports::Crypto& crypto,
                                  ports::Storage& storage) {
  if (env) return ParseHexKey(*env, "KONFID_MASTER_KEY");
  std::string path = MasterKeyPath(data_dir), next = path + ".next";
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, ReadKeyFile(path));
  if (std::filesystem::exists(next)) {
    // A rotation wrote the next key, then stopped. The database says which key is current.
    KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
    KONFID_ASSIGN_OR_RETURN(auto check, txn->GetMeta(app::kMasterKeyCheckMeta));
    KONFID_ASSIGN_OR_RETURN(SecretBytes next_key, ReadKeyFile(next));
    if (check && *check == app::Keyring::MasterKeyCheck(crypto, next_key)) {
      if (::rename(next.c_str(), path.c_str()) != 0)
        return Fail(ErrorCode::kUnavailable, "cannot finish the key rotation: rename " + next);
      return next_key;
    }
    std::filesystem::remove(next);  // the rotation never committed
  }
  return key;
}

}  // namespace konfid::cli
