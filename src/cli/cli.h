// The operator's command line (CLI11): init, serve, apikey create, audit verify, keys rotate.
// The concrete adapters come from main/ through Platform, the only place that knows them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/api_keys.h"
#include "app/group_committer.h"
#include "app/job_report.h"
#include "app/keyring.h"
#include "app/outbox.h"
#include "app/policy_store.h"
#include "app/vault.h"
#include "core/event_log.h"
#include "ports/config.h"
#include "ports/crypto.h"
#include "ports/mailer.h"
#include "ports/phone.h"
#include "ports/storage.h"

namespace konfid::cli {

struct StorageChoice {
  std::string data_dir;
  std::string db;  // empty: <data_dir>/konfid.db; else a postgres:// URL
  bool sqlite_synchronous_full = true;
};

// What `serve` hands to the HTTP layer once storage, keys and the vault are ready.
struct ServeContext {
  const ports::ServiceConfig& config;
  app::Vault& vault;
  app::PolicyStore& policies;
  const ports::PolicyReader& policy_reader;
  app::ApiKeys& keys;
  app::GroupCommitter& committer;
  ports::Storage& storage;
  EventLog& events;
  app::JobTrigger& jobs;  // the scheduler: run a job now, its pass counts
};

struct Platform {
  ports::Crypto& crypto;
  ports::PhoneNormalizer& phones;
  ports::Clock& clock;
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
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  std::function<int(ServeContext&)> serve;
  // KONFID_MASTER_KEY, read by main/ (hex, 64 characters), if set.
  std::optional<std::string> env_master_key;
};

int Run(int argc, char** argv, Platform& platform);

}  // namespace konfid::cli
