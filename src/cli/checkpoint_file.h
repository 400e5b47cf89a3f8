// The checkpoint file of [audit] checkpoint_file: each new audit checkpoint is appended as one
// line and made durable before the checkpoint is stored, so the copy outside the database is
// never behind it. The operator ships the file elsewhere (docs/operations.md, "Checkpoints").
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"

namespace konfid::cli {

class CheckpointFile {
 public:
  // Opens (creating, mode 0600) `path` for appending. Unavailable, naming the path, when it
  // cannot be opened: `serve` refuses to start rather than run without the copy it was told
  // to keep.
  static Result<std::unique_ptr<CheckpointFile>> Open(const std::string& path);
  ~CheckpointFile();
  CheckpointFile(const CheckpointFile&) = delete;
  CheckpointFile& operator=(const CheckpointFile&) = delete;

  // Writes `line` and a newline in one write(2) at the end of the file (O_APPEND), then
  // fsyncs. Thread-safe.
  Status Append(std::string_view line);

 private:
  CheckpointFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
  std::mutex mu_;
};

}  // namespace konfid::cli
