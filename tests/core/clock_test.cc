#include "core/clock.h"

#include <gtest/gtest.h>

namespace icrm {
namespace {

TEST(ManualClockTest, MovesOnlyWhenTold) {
  auto start = *parse_timestamp("2026-01-01T00:00:00Z");
  ManualClock clock(start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(std::chrono::seconds(90));
  EXPECT_EQ(format_timestamp(clock.now()), "2026-01-01T00:01:30.000000Z");
  clock.set(start);
  EXPECT_EQ(clock.now(), start);
}

TEST(SystemClockTest, IsRecent) {
  auto now = SystemClock::instance().now();
  EXPECT_GT(now, *parse_timestamp("2024-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace icrm
