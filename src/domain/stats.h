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

// Suppresses every cell with fewer than `k` persons (primary suppression) and, when any is
// suppressed, the total (complementary suppression of the one other figure of the answer):
// with a total, the published cells would bound the hidden ones, and a reader who knows each
// hidden cell is non-empty could often solve them exactly, whatever further cells were hidden
// with them. Returns the total of persons when no cell is suppressed, else nullopt. k < 2
// suppresses nothing.
std::optional<int64_t> Suppress(std::vector<StatsCell>& cells, int64_t k);

// `value` with Laplace noise of scale 1/epsilon (a count's sensitivity is 1), rounded and
// never below 0 (nor above 2^62). `u` is uniform in (-0.5, 0.5), from the caller's random
// source; epsilon <= 0 adds nothing.
int64_t AddLaplaceNoise(int64_t value, double epsilon, double u);

}  // namespace konfid::domain
