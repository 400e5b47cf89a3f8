// The composition root: the only place that names concrete adapters and reads the
// environment.
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "adapters/clock/system_clock.h"
#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/log/spdlog_sink.h"
#include "adapters/mail/smtp_mailer.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "cli/cli.h"
#include "http/api.h"
#include "http/server.h"

using namespace konfid;

namespace {

Result<std::unique_ptr<ports::Storage>> OpenStorage(const cli::StorageChoice& choice,
                                                    ports::Clock& clock) {
  if (choice.db.starts_with("postgres://") || choice.db.starts_with("postgresql://")) {
    KONFID_ASSIGN_OR_RETURN(auto pg, adapters::PgStorage::Open(choice.db));
    return std::unique_ptr<ports::Storage>(std::move(pg));
  }
  if (!choice.db.empty() && choice.db != "sqlite")
    return Fail(ErrorCode::kInvalidArgument,
                "--db must be a postgres:// URL (or empty for SQLite)");
  adapters::SqliteOptions options{choice.data_dir + "/konfid.db", choice.sqlite_synchronous_full,
                                  5000, &clock};
  KONFID_ASSIGN_OR_RETURN(auto sqlite, adapters::SqliteStorage::Open(options));
  return std::unique_ptr<ports::Storage>(std::move(sqlite));
}

int Serve(cli::ServeContext& ctx, ports::Clock& clock) {
  auto listen = http::ParseListen(ctx.config.listen);
  if (!listen) {
    std::cerr << "konfid: " << listen.error().message() << "\n";
    return 2;
  }
  auto proxies = http::ParseTrustedProxies(ctx.config.trusted_proxies);
  if (!proxies) {
    std::cerr << "konfid: " << proxies.error().message() << "\n";
    return 2;
  }
  http::Metrics metrics;
  http::Api api({ctx.vault, ctx.config.mail.unsubscribe_base, ctx.policies, ctx.policy_reader,
                 ctx.keys, ctx.committer, ctx.storage, clock, metrics, ctx.events, ctx.jobs,
                 std::move(*proxies)});
  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.threads = ctx.config.threads != 0 ? ctx.config.threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  options.body_limit = ctx.config.body_limit;
  options.max_connections = ctx.config.max_connections;
  options.header_timeout = std::chrono::seconds(ctx.config.header_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(ctx.config.idle_timeout_seconds);
  auto server = http::HttpServer::Create(options, api);
  if (!server) {
    std::cerr << "konfid: " << server.error().message() << "\n";
    return 2;
  }
  ctx.events.Write(clock.Now(), LogLevel::kInfo, "started",
                   {{"listen", options.host + ":" + std::to_string((*server)->port())},
                    {"backend", ctx.storage.backend()},
                    {"tenants", static_cast<uint64_t>(ctx.config.tenants.size())},
                    {"threads", static_cast<uint64_t>(options.threads)},
                    {"max_connections", static_cast<uint64_t>((*server)->max_connections())}});
  (*server)->Run();
  ctx.events.Write(clock.Now(), LogLevel::kInfo, "stopped", {});
  return 0;
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
  adapters::TomlPolicyReader policy_reader;
  adapters::SpdlogSink log_sink;
  EventLog events(&log_sink);
  cli::Platform platform{**crypto,
                         phones,
                         clock,
                         events,
                         [&clock](const cli::StorageChoice& c) { return OpenStorage(c, clock); },
                         adapters::LoadServiceConfig,
                         adapters::ParsePolicyFile,
                         policy_reader,
                         [](const ports::MailConfig& m) -> std::unique_ptr<ports::Mailer> {
                           return std::make_unique<adapters::SmtpMailer>(adapters::SmtpOptions{
                               m.smtp_url, m.username, m.password, m.require_tls, 30});
                         },
                         [&clock](cli::ServeContext& ctx) { return Serve(ctx, clock); },
                         std::nullopt};
  if (const char* key = std::getenv("KONFID_MASTER_KEY"); key != nullptr && *key != '\0')
    platform.env_master_key = std::string(key);
  return cli::Run(argc, argv, platform);
}
