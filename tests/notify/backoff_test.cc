// The retry schedule: doubling from the base, capped, jittered downwards by
// at most the jitter share, and none after the last attempt.
#include "notify/backoff.h"

#include <gtest/gtest.h>

namespace icrm::notify {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesWithinTheJitterBandUpToTheCap) {
  BackoffPolicy p;  // 30 s base, 1 h cap, jitter 0.5, 8 attempts
  Rng rng(7);
  const int64_t expected_full[] = {30'000, 60'000, 120'000, 240'000, 480'000, 960'000, 1'920'000};
  for (int round = 0; round < 200; ++round) {
    for (int attempts = 1; attempts <= 7; ++attempts) {
      auto d = p.delay_after(attempts, rng);
      ASSERT_TRUE(d.has_value()) << attempts;
      int64_t full = expected_full[attempts - 1];
      EXPECT_LE(d->count(), full) << attempts;
      EXPECT_GE(d->count(), full / 2) << attempts;
    }
  }
}

TEST(BackoffTest, JitterSpreadsTheDelays) {
  BackoffPolicy p;
  Rng rng(1);
  int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 1000; ++i) {
    int64_t d = p.delay_after(1, rng)->count();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 16'000);
  EXPECT_GT(hi, 29'000);
}

TEST(BackoffTest, CapsLongWaits) {
  BackoffPolicy p{
      .base = milliseconds(1000), .cap = milliseconds(5000), .jitter = 0, .max_attempts = 50};
  Rng rng(3);
  EXPECT_EQ(p.delay_after(1, rng), milliseconds(1000));
  EXPECT_EQ(p.delay_after(3, rng), milliseconds(4000));
  EXPECT_EQ(p.delay_after(4, rng), milliseconds(5000));
  EXPECT_EQ(p.delay_after(49, rng), milliseconds(5000));
}

TEST(BackoffTest, GivesUpAtMaxAttempts) {
  BackoffPolicy p{.max_attempts = 3};
  Rng rng(3);
  EXPECT_TRUE(p.delay_after(2, rng).has_value());
  EXPECT_FALSE(p.delay_after(3, rng).has_value());
  EXPECT_FALSE(p.delay_after(4, rng).has_value());
}

}  // namespace
}  // namespace icrm::notify
