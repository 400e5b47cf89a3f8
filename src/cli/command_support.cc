#include "cli/command_support.h"

#include <filesystem>
#include <iostream>

#include "cli/master_key.h"

namespace konfid::cli::internal {

int Die(const Error& e) {
  std::cerr << "konfid: " << e.message();
  if (!e.detail().empty()) std::cerr << " (" << e.detail() << ")";
  std::cerr << "\n";
  return 2;
}

Result<std::optional<ports::ServiceConfig>> MaybeConfig(Platform& p, const Common& c) {
  if (c.config_path.empty()) return std::optional<ports::ServiceConfig>();
  KONFID_ASSIGN_OR_RETURN(auto config, p.load_config(c.config_path));
  return std::optional(std::move(config));
}

Result<StorageChoice> ChoiceFor(const Common& c,
                                const std::optional<ports::ServiceConfig>& config) {
  StorageChoice choice{c.data_dir, c.db, true};
  if (config) {
    if (choice.db.empty()) choice.db = config->db;
    choice.sqlite_synchronous_full = config->sqlite_synchronous_full;
  }
  if (choice.db.empty() && !std::filesystem::is_directory(c.data_dir))
    return Fail(ErrorCode::kNotFound, "data directory " + c.data_dir +
                                          " does not exist: run 'konfid init --data " + c.data_dir +
                                          "'");
  return choice;
}

Result<std::unique_ptr<ports::Storage>> OpenStorage(
    Platform& p, const Common& c, const std::optional<ports::ServiceConfig>& config, bool create) {
  KONFID_ASSIGN_OR_RETURN(StorageChoice choice, ChoiceFor(c, config));
  choice.create = create;
  return p.open_storage(choice);
}

Result<Opened> OpenExisting(Platform& p, const Common& c, bool rotating) {
  Opened o;
  KONFID_ASSIGN_OR_RETURN(o.config, MaybeConfig(p, c));
  KONFID_ASSIGN_OR_RETURN(o.storage, OpenStorage(p, c, o.config));
  KONFID_TRY(o.storage->CheckSchema());
  KONFID_ASSIGN_OR_RETURN(
      MasterKeys keys, LoadMasterKey(c.data_dir, p.env_master_key, p.crypto, *o.storage, rotating));
  KONFID_ASSIGN_OR_RETURN(o.keyring,
                          app::Keyring::Open(p.crypto, *o.storage, std::move(keys.current), false));
  if (!keys.previous.empty()) o.keyring->AddPreviousKey(std::move(keys.previous));
  return o;
}

}  // namespace konfid::cli::internal
