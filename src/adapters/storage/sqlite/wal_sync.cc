#include "adapters/storage/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace konfid::adapters::sqlite_internal {

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t WalSync::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

uint64_t WalSync::inode() const {
  std::lock_guard lock(mu_);
  return ino_;
}

Status WalSync::Sync() {
  std::lock_guard lock(mu_);
  struct stat now {};
  if (::stat(path_.c_str(), &now) != 0) {
    if (errno == ENOENT) return Ok();
    return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                "stat " + path_ + ": " + std::strerror(errno));
  }
  if (fd_ >= 0 &&
      (static_cast<uint64_t>(now.st_ino) != ino_ || static_cast<uint64_t>(now.st_dev) != dev_)) {
    // Replaced: what was written to the old file must reach the disk too.
    int rc = ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
    if (rc != 0)
      return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                  std::string("fdatasync of the old WAL: ") + std::strerror(errno));
  }
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
      return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                  "open " + path_ + ": " + std::strerror(errno));
    struct stat opened {};
    ::fstat(fd_, &opened);
    ino_ = static_cast<uint64_t>(opened.st_ino);
    dev_ = static_cast<uint64_t>(opened.st_dev);
  }
  if (::fdatasync(fd_) != 0)
    return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                std::string("fdatasync of the WAL: ") + std::strerror(errno));
  ++syncs_;
  return Ok();
}

}  // namespace konfid::adapters::sqlite_internal
