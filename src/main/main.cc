// The composition root: the only place that names concrete adapters and reads the
// environment.
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "adapters/clock/system_clock.h"
#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/log/spdlog_sink.h"
#include "adapters/mail/smtp_mailer.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/sms/http_sms_gateway.h"
#include "adapters/storage/postgres/pg_backup.h"
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/sqlite/sqlite_backup.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "adapters/tz/icu_time_zones.h"
#include "cli/cli.h"
#include "http/act_json.h"
#include "main/service.h"

using namespace konfid;

namespace {

bool IsPostgres(const cli::StorageChoice& choice) {
  return choice.db.starts_with("postgres://") || choice.db.starts_with("postgresql://");
}

Status CheckSqliteChoice(const cli::StorageChoice& choice) {
  if (!choice.db.empty() && choice.db != "sqlite")
    return Fail(ErrorCode::kInvalidArgument,
                "--db must be a postgres:// URL (or empty for SQLite)");
  return Ok();
}

// The process's environment, for the tools an adapter runs (pg_dump, pg_restore).
std::vector<std::string> Environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

adapters::SqliteOptions SqliteFor(const cli::StorageChoice& choice, ports::Clock& clock) {
  adapters::SqliteOptions options{choice.data_dir + "/konfid.db", choice.sqlite_synchronous_full,
                                  5000, &clock};
  options.create_key_store = choice.create;
  return options;
}

Result<std::unique_ptr<ports::Storage>> OpenStorage(const cli::StorageChoice& choice,
                                                    ports::Clock& clock) {
  if (IsPostgres(choice)) {
    KONFID_ASSIGN_OR_RETURN(auto pg, adapters::PgStorage::Open(choice.db));
    return std::unique_ptr<ports::Storage>(std::move(pg));
  }
  KONFID_TRY(CheckSqliteChoice(choice));
  KONFID_ASSIGN_OR_RETURN(auto sqlite, adapters::SqliteStorage::Open(SqliteFor(choice, clock)));
  return std::unique_ptr<ports::Storage>(std::move(sqlite));
}

Status Backup(const cli::StorageChoice& choice, ports::Clock& clock, const std::string& data_out,
              const std::string& keys_out) {
  if (IsPostgres(choice))
    return adapters::BackupPostgres(choice.db, data_out, keys_out, Environment());
  KONFID_TRY(CheckSqliteChoice(choice));
  return adapters::BackupSqlite(SqliteFor(choice, clock), data_out, keys_out);
}

Result<std::vector<std::string>> Restore(const cli::StorageChoice& choice, ports::Clock& clock,
                                         const std::string& data_in, const std::string& keys_in) {
  if (IsPostgres(choice))
    return adapters::RestorePostgres(choice.db, data_in, keys_in, Environment());
  KONFID_TRY(CheckSqliteChoice(choice));
  KONFID_ASSIGN_OR_RETURN(auto report,
                          adapters::RestoreSqlite(SqliteFor(choice, clock), data_in, keys_in));
  return report.without_keys;
}

// `serve`: the service wired over what the command line opened (main/service.h).
int Serve(cli::ServeInputs inputs, Service::Adapters adapters) {
  auto service = Service::Create(inputs, std::move(adapters));
  if (!service) {
    std::cerr << "konfid: " << service.error().message();
    if (!service.error().detail().empty()) std::cerr << " (" << service.error().detail() << ")";
    std::cerr << "\n";
    return 2;
  }
  return (*service)->Run();
}

}  // namespace

int main(int argc, char** argv) {
  umask(077);  // the database, its WAL and the key files are for the service alone
  auto crypto = adapters::SodiumCrypto::Create();
  if (!crypto) {
    std::cerr << "konfid: " << crypto.error().message() << "\n";
    return 2;
  }
  adapters::LibPhoneNumberNormalizer phones;
  adapters::SystemClock clock;
  adapters::IcuTimeZones time_zones;
  adapters::TomlPolicyReader policy_reader;
  adapters::SpdlogSink log_sink;
  EventLog events(&log_sink);
  auto make_mailer = [](const ports::MailConfig& m) -> std::unique_ptr<ports::Mailer> {
    return std::make_unique<adapters::SmtpMailer>(
        adapters::SmtpOptions{m.smtp_url, m.username, m.password, m.require_tls, 30});
  };
  auto make_sms = [](const ports::SmsConfig& s) -> Result<std::unique_ptr<ports::SmsSender>> {
    KONFID_ASSIGN_OR_RETURN(auto gateway,
                            adapters::HttpSmsGateway::Create({s.gateway_url, s.token_file, s.sender,
                                                              s.connect_timeout_ms, s.timeout_ms}));
    return std::unique_ptr<ports::SmsSender>(std::move(gateway));
  };
  auto serve = [&](cli::ServeInputs inputs) {
    return Serve(inputs, {**crypto, phones, clock, time_zones, events, policy_reader, make_mailer,
                          make_sms});
  };
  cli::Platform platform{
      **crypto,
      phones,
      clock,
      time_zones,
      events,
      [&clock](const cli::StorageChoice& c) { return OpenStorage(c, clock); },
      adapters::LoadServiceConfig,
      adapters::ParsePolicyFile,
      policy_reader,
      make_mailer,
      serve,
      [&clock](const cli::StorageChoice& c, const std::string& data_out,
               const std::string& keys_out) { return Backup(c, clock, data_out, keys_out); },
      [&clock](const cli::StorageChoice& c, const std::string& data_in,
               const std::string& keys_in) { return Restore(c, clock, data_in, keys_in); },
      http::ParseDestructionActClaims,
      std::nullopt};
  if (const char* key = std::getenv("KONFID_MASTER_KEY"); key != nullptr && *key != '\0')
    platform.env_master_key = std::string(key);
  return cli::Run(argc, argv, platform);
}
