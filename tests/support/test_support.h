// Helpers for tests: temporary directories, the throwaway PostgreSQL's URL, free ports.
#pragma once

#include <string>
#include <vector>

#include "ports/clock.h"

namespace konfid::testing {

// A fresh directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The URL of the cluster started by tests/support/pg_cluster.sh for this ctest run, or an
// empty string when the test was started outside that fixture.
std::string PostgresUrl();

// A URL to a fresh, empty database in that cluster (created on each call).
std::string FreshPostgresDatabase();

// Runs `sql` (one or more statements) on a database behind the service's back, as an intruder
// with access to it would: `db` is a postgres:// URL or the path of an SQLite file. Returns
// "" on success, else the database's error.
std::string RunSql(const std::string& db, const std::string& sql);

// The system's clock, for what a test runs in real time (the SQLite adapter's throttles).
// Tests that assert on time use a stepped clock of their own instead. Thread-safe.
ports::Clock& RealClock();

// The path of the built konfid binary.
std::string KonfidBinary();

// The repository's root (for examples/).
std::string SourceDir();

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short FreePort();

// A real SMTP server on loopback for the test's life: Debian's python3-aiosmtpd with its
// Mailbox handler, so every message it accepts becomes a file.
class SmtpServer {
 public:
  SmtpServer();
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Every message received so far, as stored (headers and body).
  std::vector<std::string> Received() const;
  // Waits up to `seconds` for at least `count` messages.
  std::vector<std::string> WaitFor(size_t count, int seconds = 10) const;

 private:
  TempDir dir_;
  unsigned short port_;
  int pid_ = -1;
};

}  // namespace konfid::testing
