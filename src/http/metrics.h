// Request metrics in the Prometheus text format. Labels are route patterns, methods and
// status codes: never paths, queries or values. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace konfid::http {

class Metrics {
 public:
  void Observe(std::string_view route, std::string_view method, unsigned status, int64_t micros);
  // `extra` is appended verbatim (gauges and counters owned by others).
  std::string Render(const std::string& extra) const;

  // Connections (HttpServer): open now, refused over the cap, failed accepts (EMFILE, …).
  void ConnectionOpened() { ++connections_open_; }
  void ConnectionClosed() { --connections_open_; }
  void ConnectionRefused() { ++connections_refused_; }
  void AcceptFailed() { ++accept_failures_; }
  uint64_t connections_open() const { return connections_open_; }

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::atomic<uint64_t> connections_open_{0}, connections_refused_{0}, accept_failures_{0};
  mutable std::mutex mu_;
  // Heterogeneous lookup: the hot path finds existing series without allocating.
  std::map<std::string, uint64_t, std::less<>> requests_;  // "route\tmethod\tstatus"
  std::map<std::string, Histogram, std::less<>> latency_;  // by route
};

}  // namespace konfid::http
