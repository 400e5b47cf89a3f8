// WalSync: makes a SQLite database's WAL durable with one fdatasync, on a file descriptor of
// its own. With `PRAGMA synchronous=NORMAL` a WAL-mode commit writes its frames without
// syncing them; an fdatasync of the WAL file that begins after the commit returned makes that
// commit, and every commit before it, survive a crash (the WAL's frames are checksummed in a
// chain, so recovery keeps a prefix of the commits). Checkpoints sync the WAL and the database
// themselves before the WAL is reset, so a commit already copied into the database stays.
//
// fdatasync acts on the file, not on the descriptor: this one sees what SQLite's own
// connection wrote. The descriptor is opened on first use and reopened if the WAL file was
// replaced (every connection closed and a new one opened).
//
// Thread-safe; one sync at a time.
#pragma once

#include <mutex>
#include <string>

#include "core/error.h"

namespace konfid::adapters::sqlite_internal {

class WalSync {
 public:
  explicit WalSync(std::string db_path) : path_(std::move(db_path) + "-wal") {}
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Ok when there is no WAL file: nothing was committed through one.
  Status Sync();
  uint64_t syncs() const;
  // The inode the descriptor is open on; 0 before the first sync.
  uint64_t inode() const;

 private:
  const std::string path_;
  mutable std::mutex mu_;
  int fd_ = -1;
  uint64_t ino_ = 0, dev_ = 0;
  uint64_t syncs_ = 0;
};

}  // namespace konfid::adapters::sqlite_internal
