// The master key file: <data>/master.key, 64 hex characters, mode 0600.
#pragma once

#include <optional>
#include <string>

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

// The master key from the environment if given, else from the key file. Finishes a key
// rotation that stopped between its commit and its rename. Clear errors when neither exists.
Result<SecretBytes> LoadMasterKey(const std::string& data_dir,
                                  const std::optional<std::string>& env, ports::Crypto& crypto,
                                  ports::Storage& storage);

}  // namespace konfid::cli
