// Requests allowed per key (a route class and a client address) within a sliding window: a
// token bucket refilled continuously. Memory is bounded: past `capacity` keys the bucket used
// least recently goes, which is a full one unless every key was used within the window; a
// client that keeps trying keeps its bucket. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace konfid::http {

class RateLimiter {
 public:
  RateLimiter(double burst, int64_t window_micros, size_t capacity = 100'000)
      : burst_(burst), window_(window_micros), capacity_(capacity) {}
  // True when `key` may make one more request at `now` (monotonic microseconds).
  bool Allow(const std::string& key, int64_t now);
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    int64_t at;
    std::list<std::string>::iterator age;  // its place in lru_
  };
  double burst_;
  int64_t window_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // keys, least recently used first
};

}  // namespace konfid::http
