#include "adapters/config/toml_config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>

#include <toml++/toml.h>

namespace konfid::adapters {

namespace {

std::string Where(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line);
}

Error Bad(const std::string& path, const toml::node& node, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": " + what);
}

// Rejects keys a table does not know, so that a misspelt setting is not silently ignored.
Status CheckKeys(const std::string& path, const toml::table& t, std::set<std::string> known,
                 const std::string& where) {
  for (const auto& [k, v] : t)
    if (!known.contains(std::string(k.str())))
      return Fail(Bad(path, v, "unknown key '" + std::string(k.str()) + "' in " + where));
  return Ok();
}

Result<std::string> GetString(const std::string& path, const toml::table& t, const char* key,
                              bool required, std::string fallback = {}) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required)
      return Fail(ErrorCode::kInvalidArgument, Where(path, t.source()) + ": missing '" + key + "'");
    return fallback;
  }
  if (!n->is_string()) return Fail(Bad(path, *n, std::string("'") + key + "' must be a string"));
  return std::string(n->as_string()->get());
}

Result<toml::table> Parse(std::string_view text, const std::string& path) {
  // Debian's toml++ is built with exceptions: parse errors arrive as toml::parse_error.
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument, path + ":" + std::to_string(e.source().begin.line) +
                                                 ": " + std::string(e.description()));
  }
}

// An integer setting within [lo, hi], if present; `message` says what is wrong otherwise.
Status GetBounded(const std::string& path, const toml::table& t, const char* key, int64_t lo,
                  int64_t hi, const std::string& message, auto& out) {
  const toml::node* n = t.get(key);
  if (!n) return Ok();
  auto v = n->value_exact<int64_t>();  // not a float: toml++ casts those unchecked
  if (!v || *v < lo || *v > hi) return Fail(Bad(path, *n, message));
  out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
  return Ok();
}

// An integer setting within [lo, hi], if present.
Status GetInt(const std::string& path, const toml::table& t, const char* key, int64_t lo,
              int64_t hi, auto& out) {
  return GetBounded(path, t, key, lo, hi,
                    std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                        std::to_string(hi),
                    out);
}

// [server]'s connection cap, timeouts and trusted proxies.
Status ReadServerLimits(const std::string& path, const toml::table& server,
                        ports::ServiceConfig& config) {
  KONFID_TRY(GetInt(path, server, "max_connections", 0, 1'000'000, config.max_connections));
  KONFID_TRY(GetInt(path, server, "header_timeout", 1, 300, config.header_timeout_seconds));
  KONFID_TRY(GetInt(path, server, "idle_timeout", 1, 3600, config.idle_timeout_seconds));
  KONFID_TRY(GetInt(path, server, "events_per_minute", 0, 1'000'000, config.events_per_minute));
  if (const toml::node* n = server.get("trusted_proxies")) {
    const toml::array* list = n->as_array();
    if (!list) return Fail(Bad(path, *n, "trusted_proxies must be a list of addresses"));
    for (const auto& entry : *list) {
      if (!entry.is_string())
        return Fail(Bad(path, entry, "trusted_proxies must be a list of addresses"));
      std::string text(entry.as_string()->get());
      // The address itself is checked where it is used (http::ParseTrustedProxies); here only
      // what cannot be one, so the error can name the line.
      if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF.:/") != std::string::npos)
        return Fail(Bad(path, entry, "'" + text + "' is not an IP address or CIDR block"));
      config.trusted_proxies.push_back(std::move(text));
    }
  }
  return Ok();
}

// [mail]: the SMTP relay, the sender and the links mails carry.
Status ReadMail(const std::string& path, const toml::table& mail, ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, mail,
                       {"smtp_url", "username", "password", "require_tls", "from", "from_name",
                        "public_url", "token_hours", "unsubscribe_base", "notice_days"},
                       "[mail]"));
  ports::MailConfig& m = config.mail;
  KONFID_ASSIGN_OR_RETURN(m.smtp_url, GetString(path, mail, "smtp_url", false));
  if (!m.smtp_url.empty() && !m.smtp_url.starts_with("smtp://") &&
      !m.smtp_url.starts_with("smtps://"))
    return Fail(Bad(path, mail, "smtp_url must start with smtp:// or smtps://"));
  KONFID_ASSIGN_OR_RETURN(m.username, GetString(path, mail, "username", false));
  KONFID_ASSIGN_OR_RETURN(m.password, GetString(path, mail, "password", false));
  m.require_tls = mail["require_tls"].value_or(false);
  KONFID_ASSIGN_OR_RETURN(m.from, GetString(path, mail, "from", false, m.from));
  if (m.from.find('@') == std::string::npos)
    return Fail(Bad(path, mail, "from must be an email address"));
  KONFID_ASSIGN_OR_RETURN(m.from_name, GetString(path, mail, "from_name", false));
  KONFID_ASSIGN_OR_RETURN(m.public_url, GetString(path, mail, "public_url", false, m.public_url));
  KONFID_ASSIGN_OR_RETURN(m.unsubscribe_base,
                          GetString(path, mail, "unsubscribe_base", false, m.unsubscribe_base));
  KONFID_TRY(
      GetBounded(path, mail, "token_hours", 1, 720, "token_hours must be 1..720", m.token_hours));
  KONFID_TRY(
      GetBounded(path, mail, "notice_days", 1, 365, "notice_days must be 1..365", m.notice_days));
  return Ok();
}

// [server]: where to listen, how much to accept, how many threads.
Status ReadServer(const std::string& path, const toml::table& server,
                  ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, server,
                       {"listen", "body_limit", "threads", "max_connections", "header_timeout",
                        "idle_timeout", "trusted_proxies", "events_per_minute"},
                       "[server]"));
  KONFID_ASSIGN_OR_RETURN(config.listen, GetString(path, server, "listen", false, config.listen));
  KONFID_TRY(GetInt(path, server, "body_limit", 1024, 64 * 1024 * 1024, config.body_limit));
  KONFID_TRY(GetBounded(path, server, "threads", 0, 256, "threads must be 0..256", config.threads));
  return ReadServerLimits(path, server, config);
}

// [storage]: the database and how hard SQLite syncs.
Status ReadStorage(const std::string& path, const toml::table& storage,
                   ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, storage, {"db", "synchronous"}, "[storage]"));
  KONFID_ASSIGN_OR_RETURN(config.db, GetString(path, storage, "db", false));
  KONFID_ASSIGN_OR_RETURN(std::string sync, GetString(path, storage, "synchronous", false, "full"));
  if (sync != "full" && sync != "normal")
    return Fail(Bad(path, storage, "synchronous must be \"full\" or \"normal\""));
  config.sqlite_synchronous_full = sync == "full";
  return Ok();
}

// The folder relative paths in the config file are read from: the file's own.
std::filesystem::path BaseDir(const std::string& path) {
  return std::filesystem::path(path).parent_path();
}

// [audit]: the checkpoint file (relative to the config file) and how often it is written.
Status ReadAudit(const std::string& path, const toml::table& audit, ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, audit, {"checkpoint_file", "checkpoint_interval"}, "[audit]"));
  KONFID_ASSIGN_OR_RETURN(std::string file, GetString(path, audit, "checkpoint_file", false));
  std::filesystem::path p = file;
  if (!file.empty() && p.is_relative()) p = BaseDir(path) / p;
  config.audit.checkpoint_file = file.empty() ? "" : p.string();
  KONFID_TRY(GetBounded(path, audit, "checkpoint_interval", 1, 86400,
                        "checkpoint_interval must be 1..86400 (seconds)",
                        config.audit.checkpoint_interval));
  return Ok();
}

// [sms]: the gateway, its token file (relative to the config file), the sender, timeouts. With
// gateway_url set, token_file and sender are required.
Status ReadSms(const std::string& path, const toml::table& sms, ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, sms,
                       {"gateway_url", "token_file", "sender", "connect_timeout_ms", "timeout_ms"},
                       "[sms]"));
  ports::SmsConfig& s = config.sms;
  KONFID_ASSIGN_OR_RETURN(s.gateway_url, GetString(path, sms, "gateway_url", false));
  if (!s.gateway_url.empty() && !s.gateway_url.starts_with("http://") &&
      !s.gateway_url.starts_with("https://"))
    return Fail(
        Bad(path, *sms.get("gateway_url"), "gateway_url must start with http:// or https://"));
  bool on = !s.gateway_url.empty();
  KONFID_ASSIGN_OR_RETURN(std::string file, GetString(path, sms, "token_file", on));
  std::filesystem::path p = file;
  if (!file.empty() && p.is_relative()) p = BaseDir(path) / p;
  s.token_file = file.empty() ? "" : p.string();
  KONFID_ASSIGN_OR_RETURN(s.sender, GetString(path, sms, "sender", on));
  if (on && s.sender.empty())
    return Fail(Bad(path, *sms.get("sender"), "sender must not be empty"));
  KONFID_TRY(GetBounded(path, sms, "connect_timeout_ms", 100, 60'000,
                        "connect_timeout_ms must be 100..60000", s.connect_timeout_ms));
  KONFID_TRY(GetBounded(path, sms, "timeout_ms", 100, 120'000, "timeout_ms must be 100..120000",
                        s.timeout_ms));
  return Ok();
}

// [jobs]: each period 10 ms .. 1 day.
Status ReadJobs(const std::string& path, const toml::table& jobs, ports::ServiceConfig& config) {
  KONFID_TRY(
      CheckKeys(path, jobs,
                {"policy_period_ms", "notices_period_ms", "outbox_period_ms", "expiry_period_ms",
                 "retention_period_ms", "digest_period_ms", "codes_period_ms", "events_period_ms"},
                "[jobs]"));
  ports::JobsConfig& j = config.jobs;
  constexpr int64_t kDayMs = 86'400'000;
  KONFID_TRY(GetInt(path, jobs, "policy_period_ms", 10, kDayMs, j.policy_period_ms));
  KONFID_TRY(GetInt(path, jobs, "notices_period_ms", 10, kDayMs, j.notices_period_ms));
  KONFID_TRY(GetInt(path, jobs, "outbox_period_ms", 10, kDayMs, j.outbox_period_ms));
  KONFID_TRY(GetInt(path, jobs, "expiry_period_ms", 10, kDayMs, j.expiry_period_ms));
  KONFID_TRY(GetInt(path, jobs, "retention_period_ms", 10, kDayMs, j.retention_period_ms));
  KONFID_TRY(GetInt(path, jobs, "digest_period_ms", 10, kDayMs, j.digest_period_ms));
  KONFID_TRY(GetInt(path, jobs, "codes_period_ms", 10, kDayMs, j.codes_period_ms));
  KONFID_TRY(GetInt(path, jobs, "events_period_ms", 10, kDayMs, j.events_period_ms));
  return Ok();
}

// [calendars]: production calendars an operator installs, one file a year (the grammar of
// domain/working_calendar.h), listed by country; paths relative to the config file.
Status ReadCalendars(const std::string& path, const toml::table& calendars,
                     ports::ServiceConfig& config) {
  KONFID_TRY(CheckKeys(path, calendars, {"ru"}, "[calendars]"));
  const toml::node* n = calendars.get("ru");
  if (!n) return Ok();
  const toml::array* list = n->as_array();
  if (!list) return Fail(Bad(path, *n, "ru must be a list of calendar files"));
  for (const auto& entry : *list) {
    if (!entry.is_string()) return Fail(Bad(path, entry, "ru must be a list of calendar files"));
    std::filesystem::path p = std::string(entry.as_string()->get());
    if (p.is_relative()) p = BaseDir(path) / p;
    std::ifstream in(p, std::ios::binary);
    if (!in) return Fail(Bad(path, entry, "calendar file '" + p.string() + "' cannot be read"));
    std::stringstream text;
    text << in.rdbuf();
    auto year = domain::ParseCalendarYear(text.str());
    if (!year)
      return Fail(Error(ErrorCode::kInvalidArgument, p.string() + ": " + year.error().message())
                      .WithReason("invalid_calendar"));
    config.ru_calendar.push_back(std::move(*year));
  }
  return Ok();
}

// [[tenant]]: each names a policy file (relative to the config file); a tenant appears once.
Status ReadTenants(const std::string& path, const toml::array& tenants,
                   ports::ServiceConfig& config) {
  std::set<std::string> seen;
  for (const auto& node : tenants) {
    const toml::table* t = node.as_table();
    if (!t) return Fail(Bad(path, node, "[[tenant]] must be a table"));
    KONFID_TRY(CheckKeys(path, *t, {"policy"}, "[[tenant]]"));
    KONFID_ASSIGN_OR_RETURN(std::string policy_path, GetString(path, *t, "policy", true));
    std::filesystem::path p = policy_path;
    if (p.is_relative()) p = BaseDir(path) / p;
    KONFID_ASSIGN_OR_RETURN(auto policy, LoadPolicyFile(p.string()));
    if (!seen.insert(policy.tenant).second)
      return Fail(Bad(path, *t, "tenant '" + policy.tenant + "' is configured twice"));
    config.tenants.push_back(std::move(policy));
  }
  return Ok();
}

}  // namespace

Result<ports::ServiceConfig> LoadServiceConfig(const std::string& path) {
  if (!std::filesystem::exists(path))
    return Fail(ErrorCode::kInvalidArgument, path + ": config file does not exist");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, path + ": config file cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return ParseServiceConfig(text.str(), path);
}

Result<ports::ServiceConfig> ParseServiceConfig(std::string_view text, const std::string& path) {
  KONFID_ASSIGN_OR_RETURN(toml::table root, Parse(text, path));
  KONFID_TRY(CheckKeys(path, root,
                       {"server", "storage", "tenant", "mail", "sms", "audit", "jobs", "calendars"},
                       "the config"));
  // Tables are read in this order, so the first error reported stays the same.
  ports::ServiceConfig config;
  if (const toml::table* mail = root["mail"].as_table()) KONFID_TRY(ReadMail(path, *mail, config));
  if (const toml::node* sms = root.get("sms")) {
    if (!sms->is_table()) return Fail(Bad(path, *sms, "sms must be a table: [sms]"));
    KONFID_TRY(ReadSms(path, *sms->as_table(), config));
  }
  if (const toml::table* server = root["server"].as_table())
    KONFID_TRY(ReadServer(path, *server, config));
  if (const toml::table* storage = root["storage"].as_table())
    KONFID_TRY(ReadStorage(path, *storage, config));
  if (const toml::table* audit = root["audit"].as_table())
    KONFID_TRY(ReadAudit(path, *audit, config));
  if (const toml::table* jobs = root["jobs"].as_table()) KONFID_TRY(ReadJobs(path, *jobs, config));
  if (const toml::node* calendars = root.get("calendars")) {
    if (!calendars->is_table())
      return Fail(Bad(path, *calendars, "calendars must be a table: [calendars]"));
    KONFID_TRY(ReadCalendars(path, *calendars->as_table(), config));
  }
  if (const toml::array* tenants = root["tenant"].as_array())
    KONFID_TRY(ReadTenants(path, *tenants, config));
  if (config.tenants.empty())
    return Fail(ErrorCode::kInvalidArgument, path + ": no [[tenant]] with a policy is configured");
  return config;
}

}  // namespace konfid::adapters
