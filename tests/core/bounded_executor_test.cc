// BoundedExecutor: jobs run on its workers, at most threads + queue at a
// time are accepted, and one past the queue is refused without running.
#include "core/bounded_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>

namespace icrm {
namespace {

TEST(BoundedExecutorTest, RunsTheJobOnAWorkerAndWaitsForIt) {
  BoundedExecutor pool(1, 0);
  std::thread::id ran_on;
  EXPECT_TRUE(pool.run([&] { ran_on = std::this_thread::get_id(); }));
  EXPECT_NE(ran_on, std::thread::id());
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_EQ(pool.completed(), 1u);
}

TEST(BoundedExecutorTest, RefusesAtOnceWhenTheWorkersAreBusyAndTheQueueIsFull) {
  BoundedExecutor pool(1, 0);
  std::latch release(1);
  std::atomic<bool> started{false};
  auto first = std::async(std::launch::async, [&] {
    return pool.run([&] {
      started = true;
      release.wait();
    });
  });
  while (!started.load()) std::this_thread::yield();
  bool ran = false;
  EXPECT_FALSE(pool.run([&] { ran = true; }));
  EXPECT_FALSE(ran);
  release.count_down();
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(pool.run([&] { ran = true; }));
  EXPECT_TRUE(ran);
  EXPECT_EQ(pool.completed(), 2u) << "the refused job never ran";
}

}  // namespace
}  // namespace icrm
