#include "core/periodic.h"

#include <pthread.h>

namespace konfid {

void PeriodicThread::Start(std::string name, std::chrono::milliseconds period,
                           std::function<void()> fn) {
  thread_ = std::thread([this, name = std::move(name), period, fn = std::move(fn)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      fn();
      lock.lock();
    }
  });
}

void PeriodicThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace konfid
