#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace konfid::http {
namespace {

constexpr int64_t kMinute = 60'000'000;

TEST(RateLimiter, AllowsTheBurstThenRefillsOverTheWindow) {
  RateLimiter limiter(10, kMinute);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Allow("a", 0));
  EXPECT_FALSE(limiter.Allow("a", 0));
  EXPECT_TRUE(limiter.Allow("b", 0));             // another key, its own bucket
  EXPECT_TRUE(limiter.Allow("a", kMinute / 10));  // one token back after a tenth
  EXPECT_FALSE(limiter.Allow("a", kMinute / 10));
}

// Today's table was cleared whole at 100,000 addresses: a flood of fresh addresses freed the
// one being limited. Now only the least recently used buckets go.
TEST(RateLimiter, AFloodOfNewKeysDoesNotFreeAKeyThatKeepsTrying) {
  RateLimiter limiter(10, kMinute);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Allow("attacker", 0));
  for (int i = 0; i < 250'000; ++i) {
    limiter.Allow("flood-" + std::to_string(i), 1);
    if (i % 1000 == 0) {
      EXPECT_FALSE(limiter.Allow("attacker", 1)) << i;
    }
  }
  EXPECT_FALSE(limiter.Allow("attacker", 1));
  EXPECT_LE(limiter.size(), 100'000u);
}

TEST(RateLimiter, EvictsTheLeastRecentlyUsedBucket) {
  RateLimiter limiter(1, kMinute, 3);
  EXPECT_TRUE(limiter.Allow("a", 0));
  EXPECT_TRUE(limiter.Allow("b", 0));
  EXPECT_TRUE(limiter.Allow("c", 0));
  EXPECT_FALSE(limiter.Allow("a", 1));  // a is now the most recent; b the oldest
  EXPECT_TRUE(limiter.Allow("d", 2));   // evicts b
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_FALSE(limiter.Allow("a", 3));
  EXPECT_FALSE(limiter.Allow("c", 3));
  EXPECT_TRUE(limiter.Allow("b", 4));  // b was forgotten: a fresh bucket
}

}  // namespace
}  // namespace konfid::http
