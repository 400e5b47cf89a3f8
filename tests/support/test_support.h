// Helpers for tests: temporary directories, the throwaway PostgreSQL's URL, free ports.
#pragma once

#include <string>

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

// The path of the built konfid binary.
std::string KonfidBinary();

// The repository's root (for examples/).
std::string SourceDir();

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short FreePort();

}  // namespace konfid::testing
