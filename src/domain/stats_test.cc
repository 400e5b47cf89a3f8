#include "domain/stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace konfid::domain {
namespace {

std::vector<StatsCell> Cells(std::initializer_list<int64_t> persons) {
  std::vector<StatsCell> out;
  int i = 0;
  for (int64_t p : persons) out.push_back({{std::to_string(i++)}, p, false});
  return out;
}

std::vector<bool> Hidden(const std::vector<StatsCell>& cells) {
  std::vector<bool> out;
  for (const auto& c : cells) out.push_back(c.suppressed);
  return out;
}

TEST(Stats, CellsOfAtLeastKAreAllKept) {
  auto cells = Cells({5, 9, 12});
  EXPECT_EQ(Suppress(cells, 5), 26);
  EXPECT_EQ(Hidden(cells), (std::vector<bool>{false, false, false}));
}

TEST(Stats, ASmallCellIsHiddenAndTheTotalWithIt) {
  // With the total, 78 less the published 40 and 30 would give the hidden cell.
  auto cells = Cells({1, 40, 7, 30});
  EXPECT_EQ(Suppress(cells, 5), std::nullopt);
  EXPECT_EQ(Hidden(cells), (std::vector<bool>{true, false, false, false}));
}

TEST(Stats, ManySmallCellsAreHiddenAndNoTotalTellsTheirSum) {
  // Five cells of one and one of five beside 50: any total would let a reader who knows each
  // hidden cell is non-empty work out that five of them hold one person each.
  auto cells = Cells({1, 1, 1, 1, 1, 5, 50});
  EXPECT_EQ(Suppress(cells, 5), std::nullopt);
  EXPECT_EQ(Hidden(cells), (std::vector<bool>{true, true, true, true, true, false, false}));
  auto all_small = Cells({1, 2});
  EXPECT_EQ(Suppress(all_small, 5), std::nullopt);
  EXPECT_EQ(Hidden(all_small), (std::vector<bool>{true, true}));
}

TEST(Stats, KBelowTwoSuppressesNothing) {
  auto cells = Cells({1, 1});
  EXPECT_EQ(Suppress(cells, 1), 2);
  EXPECT_EQ(Hidden(cells), (std::vector<bool>{false, false}));
  std::vector<StatsCell> none;
  EXPECT_EQ(Suppress(none, 5), 0);
}

TEST(Stats, LaplaceNoiseFollowsItsScale) {
  EXPECT_EQ(AddLaplaceNoise(10, 0, 0.3), 10);
  EXPECT_EQ(AddLaplaceNoise(10, 1.0, 0.0), 10);
  // u = 0.25: |noise| = ln(2)/epsilon, positive for u > 0 and negative below.
  EXPECT_EQ(AddLaplaceNoise(100, 0.1, 0.25), 100 + std::llround(10 * std::log(2.0)));
  EXPECT_EQ(AddLaplaceNoise(100, 0.1, -0.25), 100 - std::llround(10 * std::log(2.0)));
  EXPECT_EQ(AddLaplaceNoise(1, 0.01, -0.49), 0);                  // never below zero
  EXPECT_EQ(AddLaplaceNoise(1, 1e-300, 0.49), int64_t{1} << 62);  // nor past 2^62
  // The mean of |noise| over a fine grid of u is the scale, 1/epsilon.
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double u = -0.5 + (i + 0.5) / n;
    sum += std::fabs(static_cast<double>(AddLaplaceNoise(100000, 0.5, u) - 100000));
  }
  EXPECT_NEAR(sum / n, 2.0, 0.05);
}

}  // namespace
}  // namespace konfid::domain
