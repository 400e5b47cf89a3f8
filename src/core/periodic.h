// A background thread that runs one function at a fixed period until it is stopped: the
// loop the service's jobs share (policy refresh, outbox, notices).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace konfid {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;
  ~PeriodicThread() { Stop(); }

  // Calls `fn` every `period` (first after one period) on a thread named `name` (at most 15
  // characters, shown by top -H). Call once.
  void Start(std::string name, std::chrono::milliseconds period, std::function<void()> fn);
  // Wakes the thread and waits for a pass in progress to finish. Idempotent.
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace konfid
