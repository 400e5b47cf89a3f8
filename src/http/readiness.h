// /readyz's storage check with a deadline. The check runs on a thread of its own, one at a
// time: a storage that hangs (a PostgreSQL behind a dead network path) must neither block an
// HTTP thread nor collect a thread per probe. A probe that arrives while a check runs waits
// for that check; after the deadline the answer is "not ready".
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "http/api.h"

namespace konfid::http {

class ReadinessCheck {
 public:
  explicit ReadinessCheck(ports::Storage& storage) : storage_(storage) {}
  ~ReadinessCheck();
  // Ok when the storage answered with a current schema within `timeout`; else Unavailable.
  Status Check(std::chrono::milliseconds timeout, Yield yield);

 private:
  struct Flight;
  ports::Storage& storage_;
  std::mutex mu_;
  std::shared_ptr<Flight> flight_;  // the check running or last run
  std::thread thread_;
};

}  // namespace konfid::http
