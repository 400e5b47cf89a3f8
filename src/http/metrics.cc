#include "http/metrics.h"

#include <fmt/format.h>

namespace konfid::http {

void Metrics::Observe(std::string_view route, std::string_view method, unsigned status,
                      int64_t micros) {
  double seconds = static_cast<double>(micros) / 1e6;
  thread_local std::string key;
  key.assign(route).append(1, '\t').append(method).append(1, '\t').append(std::to_string(status));
  std::lock_guard lock(mu_);
  auto r = requests_.find(std::string_view(key));
  if (r == requests_.end()) r = requests_.emplace(key, 0).first;
  ++r->second;
  auto l = latency_.find(route);
  if (l == latency_.end()) l = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = l->second;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(const std::string& extra) const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP konfid_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE konfid_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    size_t a = key.find('\t'), b = key.find('\t', a + 1);
    out +=
        fmt::format("konfid_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1), n);
  }
  out +=
      "# HELP konfid_http_request_duration_seconds Time from a request's arrival to its "
      "response.\n";
  out += "# TYPE konfid_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out +=
          fmt::format("konfid_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      route, kBuckets[i], h.counts[i]);
    out +=
        fmt::format("konfid_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    route, h.count);
    out +=
        fmt::format("konfid_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("konfid_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += fmt::format(
      "# HELP konfid_http_connections Open HTTP connections.\n"
      "# TYPE konfid_http_connections gauge\nkonfid_http_connections {}\n"
      "# HELP konfid_http_connections_refused_total Connections answered 503 and closed: over "
      "max_connections.\n"
      "# TYPE konfid_http_connections_refused_total counter\n"
      "konfid_http_connections_refused_total {}\n"
      "# HELP konfid_http_accept_failures_total Failed accept() calls (EMFILE, ENFILE, ...).\n"
      "# TYPE konfid_http_accept_failures_total counter\nkonfid_http_accept_failures_total {}\n",
      connections_open_.load(), connections_refused_.load(), accept_failures_.load());
  out += extra;
  return out;
}

}  // namespace konfid::http
