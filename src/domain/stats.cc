#include "domain/stats.h"

#include <algorithm>
#include <cmath>

namespace konfid::domain {

std::optional<int64_t> Suppress(std::vector<StatsCell>& cells, int64_t k) {
  int64_t total = 0;
  bool any = false;
  for (auto& c : cells) {
    total += c.persons;
    if (k >= 2 && c.persons < k) c.suppressed = any = true;
  }
  if (any) return std::nullopt;
  return total;
}

int64_t AddLaplaceNoise(int64_t value, double epsilon, double u) {
  if (epsilon <= 0) return value;
  u = std::clamp(u, -0.4999999, 0.4999999);
  double noise = -(1.0 / epsilon) * (u < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::fabs(u));
  double noised = std::clamp(static_cast<double>(value) + noise, 0.0, 4611686018427387904.0);
  return std::llround(noised);
}

}  // namespace konfid::domain
