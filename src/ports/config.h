// What the service is told at start: where to listen, which database, and each tenant's
// policy. Read from TOML by adapters/config; defaults here are the documented ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/policy.h"
#include "domain/working_calendar.h"

namespace konfid::ports {

// Outgoing mail ([mail] in the config). Without smtp_url nothing is sent: messages wait in
// the outbox.
struct MailConfig {
  std::string smtp_url;  // smtp://host:port or smtps://host:port
  std::string username;
  std::string password;
  bool require_tls = false;
  std::string from = "noreply@localhost";
  std::string from_name;
  std::string public_url = "http://127.0.0.1:8080/confirm";  // the site's confirmation page
  int token_hours = 48;
  std::string unsubscribe_base = "http://127.0.0.1:8080";  // Konfid's public address
  int notice_days = 30;  // how long a policy-change notice's link works
};

// Text messages through an HTTP gateway ([sms] in the config; adapters/sms). Without
// gateway_url no text message is sent.
struct SmsConfig {
  std::string gateway_url;  // http:// or https://; the gateway's POST endpoint
  std::string token_file;   // holds the bearer token, so that it is not in the config
  std::string sender;       // "from": the name or number registered with the gateway
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 10000;  // the whole request, connection included
};

// Signed checkpoints of the audit chains ([audit] in the config; docs/operations.md).
struct AuditConfig {
  std::string checkpoint_file;    // each new checkpoint is appended here; empty: database only
  int checkpoint_interval = 300;  // seconds between passes
};

// How often each periodic job runs ([jobs] in the config; milliseconds). Tests set them long
// and run the jobs through POST /v1/jobs/{name}/run instead; audit-ckpt's period is
// [audit] checkpoint_interval.
struct JobsConfig {
  int64_t policy_period_ms = 1000;          // a version whose time has come takes force
  int64_t notices_period_ms = 1000;         // policy-change notices queued
  int64_t outbox_period_ms = 200;           // queued mail sent
  int64_t expiry_period_ms = 3'600'000;     // consents past their term recorded as expired
  int64_t retention_period_ms = 3'600'000;  // what no purpose holds any more destroyed
  int64_t digest_period_ms = 3'600'000;     // overdue requests mailed to staff, once a local day
  int64_t codes_period_ms = 3'600'000;      // one-time codes past their retention purged
  int64_t events_period_ms = 3'600'000;     // technical events past their term deleted
};

struct ServiceConfig {
  std::string listen = "127.0.0.1:8080";
  size_t body_limit = 64 * 1024;    // bytes
  size_t threads = 0;               // HTTP threads; 0 = one per core
  size_t max_connections = 0;       // open connections; 0 = from the open-files limit
  int header_timeout_seconds = 10;  // a request's header, from its first byte (or connect)
  int idle_timeout_seconds = 30;    // a kept-alive connection between requests
  int64_t events_per_minute = 600;  // POST /v1/events and its beacon, per client; 0: no limit
  // Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For is believed.
  std::vector<std::string> trusted_proxies;
  std::string db;  // empty: SQLite file in the data directory; or postgres://...
  bool sqlite_synchronous_full = true;
  std::vector<domain::TenantPolicy> tenants;
  MailConfig mail;
  SmsConfig sms;
  AuditConfig audit;
  JobsConfig jobs;
  // [calendars] ru: the Russian production calendar's years the operator installed, which
  // extend or replace the shipped ones (domain::WorkingCalendar::Shipped).
  std::vector<domain::CalendarYear> ru_calendar;
};

// Turns a policy file's text into a TenantPolicy. Thread-safe.
class PolicyReader {
 public:
  virtual ~PolicyReader() = default;
  // Parses `text` (named `name` in errors) and checks it: InvalidArgument naming the line and
  // what is wrong, for a syntax error, an unknown key or the first failed policy check.
  virtual Result<domain::TenantPolicy> Read(std::string_view text,
                                            const std::string& name) const = 0;
};

}  // namespace konfid::ports
