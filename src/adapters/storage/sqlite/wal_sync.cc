#include "adapters/storage/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace konfid::adapters::sqlite_internal {

namespace {
// The file's identity, without its times. stat() would report them, and on Linux 6.13 and
// later (multigrain timestamps) a reported ctime makes the next write stamp the file with a
// fine-grained time: the inode is then dirty after every commit, and ext4 without a journal
// writes the inode's block in every fdatasync: one more disk write per sync
// (konfid-bench-sync, docs/benchmarks.md).
int Identify(int dirfd, const char* path, int flags, uint64_t& ino, uint64_t& dev) {
  struct statx sx {};
  if (::statx(dirfd, path, flags, STATX_INO, &sx) != 0) return -1;
  ino = sx.stx_ino;
  dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  return 0;
}
}  // namespace

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
  uint64_t ino = 0, dev = 0;
  if (Identify(AT_FDCWD, path_.c_str(), 0, ino, dev) != 0) {
    if (errno == ENOENT) return Ok();
    return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                "statx " + path_ + ": " + std::strerror(errno));
  }
  if (fd_ >= 0 && (ino != ino_ || dev != dev_)) {
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
    if (Identify(fd_, "", AT_EMPTY_PATH, ino_, dev_) != 0) {
      int err = errno;
      ::close(fd_);
      fd_ = -1;
      return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                  "statx " + path_ + ": " + std::strerror(err));
    }
  }
  if (::fdatasync(fd_) != 0)
    return Fail(ErrorCode::kUnavailable, "the change may not have been saved",
                std::string("fdatasync of the WAL: ") + std::strerror(errno));
  ++syncs_;
  return Ok();
}

}  // namespace konfid::adapters::sqlite_internal
