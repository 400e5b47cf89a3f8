#include "test_support.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace konfid::testing {

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/konfid-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string PostgresUrl() {
  const char* file = getenv("KONFID_TEST_PG_FILE");
  if (!file) return "";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

std::string RunSql(const std::string& db, const std::string& sql) {
  if (db.starts_with("postgres://") || db.starts_with("postgresql://")) {
    PGconn* c = PQconnectdb(db.c_str());
    std::string error;
    if (PQstatus(c) != CONNECTION_OK) {
      error = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        error = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    return error;
  }
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return "cannot open " + db;
  }
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string error = rc == SQLITE_OK ? "" : err ? err : "sqlite error";
  sqlite3_free(err);
  sqlite3_close(h);
  return error;
}

std::string FreshPostgresDatabase() {
  std::string url = PostgresUrl();
  if (url.empty()) return "";
  static std::atomic<int> counter{0};
  std::string name = "konfid_t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test cluster");
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("CREATE DATABASE failed");
  return url.substr(0, url.rfind('/') + 1) + name;
}

ports::Clock& RealClock() {
  class Real final : public ports::Clock {
   public:
    UnixMicros Now() override {
      using namespace std::chrono;
      return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    }
    int64_t MonotonicMicros() override {
      using namespace std::chrono;
      return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
    }
  };
  static Real clock;
  return clock;
}

std::string KonfidBinary() { return KONFID_BINARY; }
std::string SourceDir() { return KONFID_SOURCE_DIR; }

unsigned short FreePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

namespace {
bool Listening(unsigned short port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(s);
  return ok;
}
}  // namespace

SmtpServer::SmtpServer() : port_(FreePort()) {
  std::string maildir = dir_.path() + "/maildir";
  pid_ = fork();
  if (pid_ == 0) {
    std::string listen = "127.0.0.1:" + std::to_string(port_);
    // Debian's python3, which has python3-aiosmtpd (not a python3 earlier on PATH).
    execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
          "aiosmtpd.handlers.Mailbox", maildir.c_str(), nullptr);
    _exit(127);
  }
  for (int i = 0; i < 100 && !Listening(port_); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

SmtpServer::~SmtpServer() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::vector<std::string> SmtpServer::Received() const {
  std::vector<std::string> out;
  std::filesystem::path dir = dir_.path() + "/maildir/new";
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path());
    std::stringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  return out;
}

std::vector<std::string> SmtpServer::WaitFor(size_t count, int seconds) const {
  std::vector<std::string> got;
  for (int i = 0; i < seconds * 20; ++i) {
    got = Received();
    if (got.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return got;
}

}  // namespace konfid::testing
