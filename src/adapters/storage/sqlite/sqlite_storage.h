// SQLite implementation of ports::Storage: a data file and a key-store file (attached to every
// connection, so that one transaction spans both), WAL journals, busy timeout, prepared
// statements cached per connection. One write connection (transactions on it are serialized
// by a mutex; BEGIN IMMEDIATE also excludes other processes) and a pool of read connections.
// Durable commits (synchronous_full) are the writer at synchronous=NORMAL plus an fdatasync
// of the WAL after the commit (WalSync): in Commit(), or later in Sync() for group commit.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ports/clock.h"
#include "ports/storage.h"

namespace konfid::adapters {

struct Migration;
namespace sqlite_internal {
class Connection;
}

struct SqliteOptions {
  std::string path;
  bool synchronous_full = true;  // durable commits: the WAL is synced after every commit
  int busy_timeout_ms = 5000;
  // Required, not owned, outlives the storage: the time between two truncations of the WAL
  // after erasures (at most one a second) is measured on its monotonic clock.
  ports::Clock* clock = nullptr;
  // Where every connection attaches the key store, the subjects' wrapped data keys, as
  // `konfid_keys`. Empty: KeyStorePathFor(path).
  std::string key_store_path;
  // Whether a missing key store is created (empty). False: Open refuses, since an empty key
  // store in place of a lost one would answer every subject as erased (`konfid init` alone
  // creates it).
  bool create_key_store = true;
};

// The key store beside a data file: konfid.db -> konfid-keys.db (any other name gets "-keys").
std::string KeyStorePathFor(const std::string& data_path);

class SqliteStorage final : public ports::Storage {
 public:
  // Opens (creating) the file. Unavailable with the reason when it cannot; InvalidArgument
  // without a clock.
  static Result<std::unique_ptr<SqliteStorage>> Open(const SqliteOptions& options);
  ~SqliteStorage() override;

  std::string_view backend() const override { return "sqlite"; }
  Status Migrate() override;
  Status CheckSchema() override;
  Result<std::unique_ptr<ports::Transaction>> Begin(bool write) override;
  bool syncs_separately() const override;
  Status Sync() override;

  struct Impl;
  // The schema that drops subjects.wrapped_key, once the key store holds every key.
  static constexpr int kDropSubjectKeysVersion = 16;

 private:
  explicit SqliteStorage(std::unique_ptr<Impl> impl);
  Status EnsureKeysCopied(sqlite_internal::Connection& c, const std::vector<Migration>& migrations);
  std::unique_ptr<Impl> impl_;
};

}  // namespace konfid::adapters
