// What the CLI's commands share (cli/cli.cc, cli/proofs.cc): the options every command on a
// vault takes, opening that vault's storage and keys, and the one way a command reports an
// error and exits.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/keyring.h"
#include "cli/cli.h"
#include "core/error.h"
#include "ports/config.h"
#include "ports/storage.h"

namespace konfid::cli::internal {

// Operator commands act as this in the audit log.
inline constexpr char kCliActor[] = "system:cli";

// Prints "konfid: <message> (<detail>)" on stderr; returns the exit code 2.
int Die(const Error& e);

// --data, --db, --config.
struct Common {
  std::string data_dir;
  std::string db;
  std::string config_path;
};

// Storage and keys opened for one command.
struct Opened {
  std::unique_ptr<ports::Storage> storage;
  std::unique_ptr<app::Keyring> keyring;
  std::optional<ports::ServiceConfig> config;
};

// The service configuration named by --config; nullopt without one.
Result<std::optional<ports::ServiceConfig>> MaybeConfig(Platform& p, const Common& c);
// Where the data is: --db, else the configuration's, else SQLite in --data (NotFound when
// that directory does not exist).
Result<StorageChoice> ChoiceFor(const Common& c, const std::optional<ports::ServiceConfig>& config);
Result<std::unique_ptr<ports::Storage>> OpenStorage(
    Platform& p, const Common& c, const std::optional<ports::ServiceConfig>& config,
    bool create = false);
// An initialized vault, its schema checked and its master key loaded. `rotating`: the caller
// holds the RotationLock.
Result<Opened> OpenExisting(Platform& p, const Common& c, bool rotating = false);

}  // namespace konfid::cli::internal
