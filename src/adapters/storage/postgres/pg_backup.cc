#include "adapters/storage/postgres/pg_backup.h"

#include <libpq-fe.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace konfid::adapters {

namespace {

// `url` without its password, and the password (percent-decoded), if it has one.
struct SplitUrl {
  std::string url;
  std::string password;
};

std::string PercentDecoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Takes `password=...` out of the URL's query, if there; the rest of the query stays.
SplitUrl WithoutQueryPassword(const std::string& url) {
  size_t q = url.find('?');
  if (q == std::string::npos) return {url, ""};
  std::string kept, password;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (pair.starts_with("password=")) {  // sslpassword= (a key file's) is not handled
      password = PercentDecoded(pair.substr(9));
    } else if (!pair.empty()) {
      kept += (kept.empty() ? "" : "&") + std::string(pair);
    }
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return {url.substr(0, q) + (kept.empty() ? "" : "?" + kept), password};
}

// postgres://user:password@host/db?password=...: the URL without either, and the password.
SplitUrl WithoutPassword(const std::string& url) {
  SplitUrl out = WithoutQueryPassword(url);
  size_t scheme = out.url.find("://");
  if (scheme == std::string::npos) return out;
  size_t start = scheme + 3, end = out.url.find_first_of("/?", start);
  size_t at = out.url.rfind('@', end == std::string::npos ? std::string::npos : end - 1);
  if (at == std::string::npos || at < start) return out;
  size_t colon = out.url.find(':', start);
  if (colon == std::string::npos || colon > at) return out;
  std::string password =
      PercentDecoded(std::string_view(out.url).substr(colon + 1, at - colon - 1));
  return {out.url.substr(0, colon) + out.url.substr(at),
          out.password.empty() ? password : out.password};
}

// What the tools run with: `env`, and PGPASSWORD when `password` is not empty.
struct Tools {
  const std::vector<std::string>& env;
  std::string password;
};

// Runs `args` (found on PATH); its stderr goes to ours (pg_dump's messages name no data).
Status RunTool(const std::vector<std::string>& args, const Tools& tools) {
  std::vector<std::string> env_strings;
  for (const auto& e : tools.env)
    if (!e.starts_with("PGPASSWORD=")) env_strings.push_back(e);
  if (!tools.password.empty()) env_strings.push_back("PGPASSWORD=" + tools.password);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0) return Fail(ErrorCode::kUnavailable, "cannot run " + args[0], std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status))
    return Fail(ErrorCode::kUnavailable,
                args[0] + " died (signal " + std::to_string(WTERMSIG(status)) + ")");
  if (WEXITSTATUS(status) != 0)
    return Fail(ErrorCode::kUnavailable,
                args[0] + " failed (exit " + std::to_string(WEXITSTATUS(status)) + ")");
  return Ok();
}

struct Conn {
  PGconn* c;
  ~Conn() { PQfinish(c); }
};

// The rows of a one-column query, as text.
Result<std::vector<std::string>> Column(PGconn* c, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c, sql), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    return Fail(ErrorCode::kUnavailable, "database error", PQresultErrorMessage(r.get()));
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
  return out;
}

// The dump's definition of subjects still has wrapped_key: a dump from before the key store.
bool HoldsKeyColumn(const std::string& file, const Tools& tools) {
  std::string ddl = file + ".ddl";
  auto st =
      RunTool({"pg_restore", "--schema-only", "--table=subjects", "--file=" + ddl, file}, tools);
  std::string text;
  if (std::FILE* f = st ? std::fopen(ddl.c_str(), "rb") : nullptr) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
  }
  std::filesystem::remove(ddl);
  return !st || text.find("wrapped_key") != std::string::npos;
}

// pg_restore --list of `file` names `table` and, for a data dump, nothing of konfid_keys.
Status CheckDump(const std::string& file, const std::string& table, const char* kind,
                 const Tools& tools) {
  bool data = table != "subject_keys";
  if (!std::filesystem::is_regular_file(file))
    return Fail(ErrorCode::kInvalidArgument, std::string("no ") + kind + " backup at " + file);
  std::string listing = file + ".list";
  auto st = RunTool({"pg_restore", "--list", "--file=" + listing, file}, tools);
  std::string text;
  if (st) {
    std::error_code ec;
    auto size = std::filesystem::file_size(listing, ec);
    std::FILE* f = std::fopen(listing.c_str(), "rb");
    if (f && !ec) {
      text.resize(size);
      text.resize(std::fread(text.data(), 1, size, f));
    }
    if (f) std::fclose(f);
  }
  std::filesystem::remove(listing);
  // Lines such as "215; 1259 16390 TABLE public subjects konfid": the schema, then the name.
  bool found = false;
  for (size_t at = text.find(" TABLE "); st && !found && at != std::string::npos;
       at = text.find(" TABLE ", at + 1)) {
    size_t name = text.find(' ', at + 7);
    found = name != std::string::npos && text.compare(name + 1, table.size() + 1, table + " ") == 0;
  }
  if (!found)
    return Fail(ErrorCode::kInvalidArgument,
                file + " is not a Konfid " + kind + " backup (it has no table " + table + ")");
  if (data && (text.find(" konfid_keys ") != std::string::npos || HoldsKeyColumn(file, tools)))
    return Fail(ErrorCode::kInvalidArgument,
                file +
                    " holds the subjects' keys (a whole-database dump, or one from before "
                    "the key store): restore the data from a dump without them");
  return Ok();
}

}  // namespace

Status BackupPostgres(const std::string& url, const std::string& data_out,
                      const std::string& keys_out, const std::vector<std::string>& env) {
  for (const auto* out : {&data_out, &keys_out})
    if (std::filesystem::exists(*out))
      return Fail(ErrorCode::kConflict, *out + " exists already: a backup never overwrites");
  SplitUrl u = WithoutPassword(url);
  Tools tools{env, u.password};
  KONFID_TRY(RunTool({"pg_dump", "--format=custom", "--compress=0", "--no-owner",
                      "--exclude-schema=konfid_keys", "--file=" + data_out, "--dbname=" + u.url},
                     tools));
  return RunTool({"pg_dump", "--format=custom", "--compress=0", "--no-owner",
                  "--schema=konfid_keys", "--file=" + keys_out, "--dbname=" + u.url},
                 tools);
}

Result<std::vector<std::string>> RestorePostgres(const std::string& url, const std::string& data_in,
                                                 const std::string& keys_in,
                                                 const std::vector<std::string>& env) {
  SplitUrl u = WithoutPassword(url);
  Tools tools{env, u.password};
  Conn conn{PQconnectdb(url.c_str())};
  if (PQstatus(conn.c) != CONNECTION_OK)
    return Fail(ErrorCode::kUnavailable, "cannot connect to the database", PQerrorMessage(conn.c));
  KONFID_ASSIGN_OR_RETURN(auto others,
                          Column(conn.c,
                                 "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                                 " current_database() AND pid <> pg_backend_pid()"
                                 " AND backend_type = 'client backend'"));
  if (others.empty() || others[0] != "0")
    return Fail(ErrorCode::kConflict,
                "the database has other sessions: stop every konfid using it first");
  KONFID_TRY(CheckDump(data_in, "subjects", "data", tools));
  if (!keys_in.empty()) KONFID_TRY(CheckDump(keys_in, "subject_keys", "key-store", tools));
  for (const auto* in : {&data_in, &keys_in}) {
    if (in->empty()) continue;
    KONFID_TRY(RunTool({"pg_restore", "--clean", "--if-exists", "--no-owner",
                        "--single-transaction", "--exit-on-error", "--dbname=" + u.url, *in},
                       tools));
  }
  return Column(conn.c,
                "SELECT s.tenant_id || '/' || s.subject_id FROM subjects s WHERE NOT EXISTS"
                " (SELECT 1 FROM konfid_keys.subject_keys k WHERE k.tenant_id = s.tenant_id"
                " AND k.subject_id = s.subject_id) ORDER BY s.tenant_id, s.subject_id");
}

}  // namespace konfid::adapters
