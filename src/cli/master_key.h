// The master key file: <data>/master.key, 64 hex characters, mode 0600.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "app/keyring.h"
#include "ports/crypto.h"

namespace konfid::cli {

std::string MasterKeyPath(const std::string& data_dir);

// Writes `key` to `path` with mode 0600 and fsyncs it. Refuses to overwrite.
Status WriteKeyFile(const std::string& path, const SecretBytes& key);
// Reads a key file; refuses one readable by group or others.
Result<SecretBytes> ReadKeyFile(const std::string& path);
// Parses 64 hex characters.
Result<SecretBytes> ParseHexKey(std::string_view hex, const std::string& where);

std::string NextKeyPath(const std::string& data_dir);  // <data>/master.key.next

// Held by `keys rotate` from before it writes master.key.next until it renames it: a flock on
// <data>/master.key.lock. Move-only; released when destroyed.
class RotationLock {
 public:
  // Unavailable (reason rotation_running) when another process holds it.
  static Result<RotationLock> Acquire(const std::string& data_dir);
  RotationLock(RotationLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RotationLock& operator=(RotationLock&&) = delete;
  ~RotationLock();

 private:
  explicit RotationLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct MasterKeys {
  SecretBytes current;
  SecretBytes previous;  // empty unless a rotation is still rewrapping
};

// The master key from the environment if given, else from the key files. While a rotation
// rewraps (the database says so), the current key is master.key.next and the previous one
// master.key. Finishes a rotation that stopped between its end and the rename of the file,
// and removes a next key the database never adopted (unless a rotation is running, or
// `rotating` says the caller is one). Clear errors when there is no key.
Result<MasterKeys> LoadMasterKey(const std::string& data_dir, const std::optional<std::string>& env,
                                 ports::Crypto& crypto, ports::Storage& storage,
                                 bool rotating = false);

// For a server: finds a master key by its check value among the key files of `data_dir`
// (Keyring::FollowEpoch adopts a key `keys rotate` made while it ran).
app::MasterKeySource KeyFileSource(std::string data_dir, ports::Crypto& crypto);

}  // namespace konfid::cli
