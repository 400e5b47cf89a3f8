// How long a durable commit's sync takes on this disk, and what a stat() beside it costs: the
// loop WalSync runs (src/adapters/storage/sqlite/wal_sync.h), without SQLite. Each iteration
// overwrites the next 12 KiB of a preallocated 16 MiB file (a WAL reused after a checkpoint),
// looks the file up by its path as --lookup says, then fdatasync()s it.
//   konfid-bench-sync --dir DIR [--count 2000] [--lookup none|stat|statx]
// Prints microseconds per iteration and the block device's completed writes per iteration
// (from /proc/diskstats, the whole device: other writers count too).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// The block device holding `path`, as /proc/diskstats names it; empty when unknown.
std::string DeviceName(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  std::string link =
      "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
  char target[4096];
  ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
  if (n <= 0) return "";
  std::string t(target, static_cast<size_t>(n));
  return t.substr(t.find_last_of('/') + 1);
}

// Writes completed by `device` so far; -1 when it is not listed.
long long DeviceWrites(const std::string& device) {
  std::ifstream in("/proc/diskstats");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long long major_no = 0, minor_no = 0, reads = 0, reads_merged = 0, sectors = 0, ms = 0,
              writes = 0;
    std::string name;
    fields >> major_no >> minor_no >> name >> reads >> reads_merged >> sectors >> ms >> writes;
    if (name == device) return writes;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"konfid-bench-sync"};
  std::string dir, lookup = "none";
  int count = 2000;
  app.add_option("--dir", dir, "a directory on the disk to measure")->required();
  app.add_option("--count", count, "iterations")->check(CLI::PositiveNumber);
  app.add_option("--lookup", lookup, "before each sync: none, stat or statx (inode only)")
      ->check(CLI::IsMember({"none", "stat", "statx"}));
  CLI11_PARSE(app, argc, argv);

  const std::string path = dir + "/konfid-bench-sync.tmp";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  constexpr off_t kFileSize = 16 << 20;
  constexpr size_t kWrite = 12 << 10;
  std::vector<char> block(1 << 20, 'w');
  for (off_t off = 0; off < kFileSize; off += static_cast<off_t>(block.size())) {
    if (::pwrite(fd, block.data(), block.size(), off) != static_cast<ssize_t>(block.size())) {
      std::perror("pwrite");
      return 1;
    }
  }
  if (::fsync(fd) != 0) {
    std::perror("fsync");
    return 1;
  }
  const std::string device = DeviceName(dir);
  const long long writes_before = DeviceWrites(device);
  const auto start = std::chrono::steady_clock::now();
  off_t off = 0;
  for (int i = 0; i < count; ++i) {
    if (::pwrite(fd, block.data(), kWrite, off) != static_cast<ssize_t>(kWrite)) {
      std::perror("pwrite");
      return 1;
    }
    off = off + static_cast<off_t>(kWrite) * 2 > kFileSize ? 0 : off + static_cast<off_t>(kWrite);
    if (lookup == "stat") {
      struct stat st {};
      ::stat(path.c_str(), &st);
    } else if (lookup == "statx") {
      struct statx sx {};
      ::statx(AT_FDCWD, path.c_str(), 0, STATX_INO, &sx);
    }
    if (::fdatasync(fd) != 0) {
      std::perror("fdatasync");
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long long writes_after = DeviceWrites(device);
  ::close(fd);
  ::unlink(path.c_str());
  std::printf("lookup %-5s: %.1f us per write + fdatasync", lookup.c_str(), seconds / count * 1e6);
  if (writes_before >= 0 && writes_after >= 0)
    std::printf(", %.2f device writes each (%s)",
                static_cast<double>(writes_after - writes_before) / count, device.c_str());
  std::printf("\n");
  return 0;
}
