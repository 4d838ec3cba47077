#include "stream/dedupe_set.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <set>

namespace icrm::stream {
namespace {

TEST(DedupeSetTest, MatchesAReferenceUnderInsertExpireAndEviction) {
  DedupeSet set(64);
  std::deque<std::pair<uint64_t, int64_t>> order;  // reference: insertion order
  std::set<uint64_t> keys;
  std::mt19937_64 rng(5);
  int64_t now = 0;
  for (int i = 0; i < 200000; ++i) {
    // Small keys collide in the table, exercising probing and backward shifts.
    uint64_t key = 1 + rng() % 300;
    if (i % 3 == 0) key = (rng() % 40) * 128 + 1;  // same home slot
    now += static_cast<int64_t>(rng() % 10);
    ASSERT_EQ(set.contains(key), keys.count(key) == 1) << i;
    if (keys.count(key)) continue;
    if (order.size() == 64) {
      keys.erase(order.front().first);
      order.pop_front();
    }
    int64_t ts = now - static_cast<int64_t>(rng() % 50);
    set.insert(key, ts);
    order.emplace_back(key, ts);
    keys.insert(key);
    if (i % 7 == 0) {
      int64_t horizon = now - 300;
      set.expire(horizon);
      while (!order.empty() && order.front().second < horizon) {
        keys.erase(order.front().first);
        order.pop_front();
      }
    }
    ASSERT_EQ(set.size(), order.size());
  }
  EXPECT_GT(set.forced_evictions(), 0u);
}

TEST(DedupeSetTest, CapacityBoundIsExact) {
  DedupeSet set(3);
  set.insert(11, 0);
  set.insert(12, 0);
  set.insert(13, 0);
  EXPECT_EQ(set.forced_evictions(), 0u);
  set.insert(14, 0);  // one past the capacity: the oldest goes
  EXPECT_EQ(set.forced_evictions(), 1u);
  EXPECT_FALSE(set.contains(11));
  EXPECT_TRUE(set.contains(12) && set.contains(13) && set.contains(14));
  EXPECT_EQ(set.size(), 3u);
  size_t bytes = set.memory_bytes();
  for (uint64_t k = 100; k < 10000; ++k) set.insert(k, 0);
  EXPECT_EQ(set.memory_bytes(), bytes);  // fixed at construction
}

}  // namespace
}  // namespace icrm::stream
