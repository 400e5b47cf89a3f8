// Statistics that cannot single anyone out (docs/stats.md): a table of counts in which every
// cell below k persons is suppressed, and so many others with it that no suppressed cell can
// be recovered from the published cells and the total; optionally with Laplace noise.
//
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace konfid::domain {

// One cell: its values of the query's dimensions, in the query's order, and the number of
// persons in it (visitors, subjects), by which it is kept or suppressed.
struct StatsCell {
  std::vector<std::string> key;
  int64_t persons = 0;
  bool suppressed = false;
};

// Suppresses every cell with fewer than `k` persons (primary suppression), then, when any is
// suppressed, the smallest kept cell with them (complementary suppression). The total less the
// kept cells then gives only the sum of a group that holds a cell of at least k persons: it
// pins no small cell down (each might be as large as that sum allows), and the group holds at
// least k distinct persons even when one person is counted in many cells. Returns the total of
// persons when it may be published; nullopt when no cell is left to hide with the small ones,
// and then the total is withheld as well. k < 2 suppresses nothing.
std::optional<int64_t> Suppress(std::vector<StatsCell>& cells, int64_t k);

// `value` with Laplace noise of scale 1/epsilon (a count's sensitivity is 1), rounded and
// never below 0 (nor above 2^62). `u` is uniform in (-0.5, 0.5), from the caller's random
// source; epsilon <= 0 adds nothing.
int64_t AddLaplaceNoise(int64_t value, double epsilon, double u);

}  // namespace konfid::domain
