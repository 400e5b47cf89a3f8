#include "http/rate_limiter.h"

#include <algorithm>

namespace konfid::http {

bool RateLimiter::Allow(const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= capacity_) {  // the oldest goes; usually long refilled
      buckets_.erase(lru_.front());
      lru_.pop_front();
    }
    lru_.push_back(key);
    it = buckets_.emplace(key, Bucket{burst_, now, std::prev(lru_.end())}).first;
  } else {
    Bucket& b = it->second;
    b.tokens = std::min(burst_, b.tokens + double(now - b.at) * burst_ / double(window_));
    b.at = now;
    lru_.splice(lru_.end(), lru_, b.age);
  }
  Bucket& b = it->second;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace konfid::http
