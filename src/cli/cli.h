// The operator's command line (CLI11): init, serve, apikey, audit verify, keys rotate, backup,
// restore, policy, receipt verify, act verify, export depersonalized.
// The concrete adapters come from main/ through Platform, the only place that knows them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/keyring.h"
#include "core/event_log.h"
#include "domain/destruction_act.h"
#include "domain/policy.h"
#include "ports/clock.h"
#include "ports/config.h"
#include "ports/crypto.h"
#include "ports/mailer.h"
#include "ports/phone.h"
#include "ports/storage.h"
#include "ports/time_zone.h"

namespace konfid::cli {

struct StorageChoice {
  std::string data_dir;
  std::string db;  // empty: <data_dir>/konfid.db; else a postgres:// URL
  bool sqlite_synchronous_full = true;
  bool create = false;  // `init`: a missing SQLite key store is created
};

// What `serve` hands to main/ once the configuration is read, the storage open and the
// master key loaded: main/ wires the service over them (main/service.h).
struct ServeInputs {
  ports::ServiceConfig& config;
  ports::Storage& storage;
  app::Keyring& keyring;
};

struct Platform {
  ports::Crypto& crypto;
  ports::PhoneNormalizer& phones;
  ports::Clock& clock;
  // The tenants' civil days (`export depersonalized` counts ages on the tenant's today).
  const ports::TimeZones& time_zones;
  // Structured events (failures among them), written and counted.
  EventLog& events;
  std::function<Result<std::unique_ptr<ports::Storage>>(const StorageChoice&)> open_storage;
  std::function<Result<ports::ServiceConfig>(const std::string& path)> load_config;
  // Reads a policy file without checking it (the checks are domain::CheckPolicy's), so that
  // `policy check` can list every finding.
  std::function<Result<domain::TenantPolicy>(const std::string& path)> parse_policy_file;
  const ports::PolicyReader& policy_reader;
  // An SMTP mailer for [mail] (main/ knows the adapter).
  std::function<std::unique_ptr<ports::Mailer>(const ports::MailConfig&)> make_mailer;
  // Wires the service, serves until SIGTERM/SIGINT; returns the process exit code.
  std::function<int(ServeInputs)> serve;
  // `konfid backup`: the data of `choice` to `data_out`, then its key store to `keys_out`,
  // online (docs/operations.md, "Backups").
  std::function<Status(const StorageChoice&, const std::string& data_out,
                       const std::string& keys_out)>
      backup;
  // `konfid restore`: a data backup (and a key-store backup, when `keys_in` is not empty) put
  // in place of `choice`'s; returns the restored subjects ("tenant/id") the key store has no
  // key for.
  std::function<Result<std::vector<std::string>>(const StorageChoice&, const std::string& data_in,
                                                 const std::string& keys_in)>
      restore;
  // The claims of an act of destruction read back (http/act_json.h): `konfid act verify`.
  std::function<Result<domain::DestructionAct>(std::string_view claims)> parse_act;
  // KONFID_MASTER_KEY, read by main/ (hex, 64 characters), if set.
  std::optional<std::string> env_master_key;
};

int Run(int argc, char** argv, Platform& platform);

}  // namespace konfid::cli
