#include "cli/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace konfid::cli {

Result<std::unique_ptr<CheckpointFile>> CheckpointFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return Fail(ErrorCode::kUnavailable, "cannot open the checkpoint file " + path,
                std::strerror(errno));
  return std::unique_ptr<CheckpointFile>(new CheckpointFile(path, fd));
}

CheckpointFile::~CheckpointFile() { ::close(fd_); }

Status CheckpointFile::Append(std::string_view line) {
  std::string text(line);
  text += '\n';
  std::lock_guard lock(mu_);
  // One write: with O_APPEND the line lands whole at the end, even beside another writer.
  ssize_t n = ::write(fd_, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()))
    return Fail(ErrorCode::kUnavailable, "cannot append to the checkpoint file " + path_,
                n < 0 ? std::strerror(errno) : "short write");
  if (::fsync(fd_) != 0)
    return Fail(ErrorCode::kUnavailable, "cannot sync the checkpoint file " + path_,
                std::strerror(errno));
  return Ok();
}

}  // namespace konfid::cli
