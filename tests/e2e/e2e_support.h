// End-to-end harness: runs the real `konfid` binary (init, apikey create, serve, audit
// verify, keys rotate) in a temporary data directory and talks to it over real HTTP on
// loopback.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_support.h"

namespace konfid::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `konfid args...` with KONFID_MASTER_KEY unset (or set to `master_key` when given),
// waits, returns its output.
CommandResult RunKonfid(const std::vector<std::string>& args, const std::string& master_key = "");

// Runs a program (found on PATH) with `args`; its exit code and output.
CommandResult RunProgram(const std::vector<std::string>& args);

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// One request on a fresh connection to 127.0.0.1:port.
HttpResult Http(unsigned short port, const std::string& method, const std::string& target,
                const std::string& body = "", const std::string& api_key = "",
                const std::string& content_type = "application/json",
                const std::vector<std::pair<std::string, std::string>>& headers = {});

// The value of a top-level string member of a JSON object, or "" (for assertions).
std::string JsonString(const std::string& json, const std::string& member);
std::string JsonField(const std::string& json, const std::string& field);  // fields.<field>

unsigned short FreePort();

// Every regular file under `dir`, as bytes (to scan for personal data).
std::map<std::string, std::string> Files(const std::string& dir);

// The text of a base64 message body as aiosmtpd stored it.
std::string MailBody(const std::string& message);
// The token of the confirmation link in a message as aiosmtpd stored it; "" without one.
std::string TokenIn(const std::string& message);

// The text of a file of the source tree, e.g. "examples/policy.toml".
std::string SourceFile(const std::string& relative);
// The policy version /v1/policy serves for `tenant`, polled until it is `want` or 4 s pass.
std::string WaitForPolicyVersion(unsigned short port, const std::string& tenant,
                                 const std::string& want);
// `text` with the first `from` replaced by `to`; throws when `from` is missing.
std::string Replaced(std::string text, const std::string& from, const std::string& to);

// [jobs] with every period an hour: the jobs run only when a test triggers them
// (Instance::RunJob), so what a test sees is what its passes did, never a thread's timing.
inline constexpr char kJobsOnTrigger[] =
    "[jobs]\npolicy_period_ms = 3600000\nnotices_period_ms = 3600000\n"
    "outbox_period_ms = 3600000\nexpiry_period_ms = 3600000\nretention_period_ms = 3600000\n"
    "digest_period_ms = 3600000\n";

// A Konfid instance: data directory, config with tenants `demo` and `other`, API keys.
class Instance {
 public:
  // `db` empty for SQLite in the data directory, or a postgres:// URL.
  // `smtp_url` non-empty: [mail] sends through it (konfid::testing::SmtpServer).
  // `master_key` non-empty: every command gets it as KONFID_MASTER_KEY (no key file), e.g. a
  // second node of another instance's PostgreSQL database.
  explicit Instance(std::string db = "", std::string smtp_url = "", std::string master_key = "");
  // Another node of `first`'s cluster: a data directory of its own with a copy of its master
  // key, config and policies, on the same PostgreSQL database (as a second machine would be).
  static std::unique_ptr<Instance> AnotherNode(const Instance& first);
  ~Instance();

  const std::string& data_dir() const { return dir_.path(); }
  std::string config_path() const { return dir_.path() + "/konfid.toml"; }
  std::vector<std::string> DbArgs() const;  // {"--db", url} or {}
  std::string log_path() const { return dir_.path() + "/serve.log"; }

  // Creates a key and returns it (the last line of `apikey create`); a processor's is bound to
  // `recipient`.
  std::string CreateKey(const std::string& tenant, const std::string& role,
                        const std::string& recipient = "");
  // Adds `lines` to the config's [server] table (before Start).
  void AddServerSettings(const std::string& lines);
  // Appends `toml` (whole tables, e.g. kJobsOnTrigger) to the config (before Start).
  void AddConfig(const std::string& toml);
  // POST /v1/jobs/{name}/run with `admin_key`: one pass of the job, its report as JSON.
  HttpResult RunJob(const std::string& name, const std::string& admin_key) const {
    return Http(port_, "POST", "/v1/jobs/" + name + "/run", "", admin_key);
  }
  // Starts the server with this soft and hard RLIMIT_NOFILE (as `prlimit --nofile=N:N`).
  void set_open_files_limit(unsigned long n) { open_files_limit_ = n; }
  pid_t pid() const { return pid_; }
  void Start();
  // Starts with KONFID_MASTER_KEY set to `master_key` from now on.
  void StartWithKey(const std::string& master_key) {
    master_key_ = master_key;
    Start();
  }
  // SIGTERM, wait; returns the exit status (0 on a clean drain).
  int Stop();
  unsigned short port() const { return port_; }

  HttpResult Request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& key) const {
    return Http(port_, method, target, body, key);
  }

 private:
  struct NoInit {};
  Instance(std::string db, NoInit) : db_(std::move(db)) {}
  konfid::testing::TempDir dir_;
  std::string db_;
  std::string master_key_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  unsigned long open_files_limit_ = 0;
};

}  // namespace konfid::e2e
