// WorkQueue: items run one at a time in push order on the worker; a full
// queue refuses; wait_idle() returns once all ran; stop() gives back what
// never ran and refuses later pushes.
#include "core/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace icrm {
namespace {

TEST(WorkQueue, HandlesItemsInOrderOnOneOtherThread) {
  std::vector<int> seen;  // written by the worker only, read after wait_idle()
  std::thread::id worker;
  WorkQueue<int> queue([&](int& n) {
    seen.push_back(n);
    worker = std::this_thread::get_id();
  });
  for (int n = 0; n < 100; ++n) ASSERT_TRUE(queue.push(n));
  queue.wait_idle();
  ASSERT_EQ(seen.size(), 100u);
  for (int n = 0; n < 100; ++n) EXPECT_EQ(seen[n], n);
  EXPECT_NE(worker, std::this_thread::get_id());
  EXPECT_EQ(queue.waiting(), 0u);
}

TEST(WorkQueue, RefusesPastMaxWaitingAndStopReturnsWhatNeverRan) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> handled{0};
  WorkQueue<int> queue(
      [&](int& n) {
        if (n == 0) {
          started.set_value();
          released.wait();
        }
        ++handled;
      },
      /*max_waiting=*/2);
  ASSERT_TRUE(queue.push(0));
  started.get_future().wait();  // 0 is being handled: it does not count as waiting
  EXPECT_TRUE(queue.push(1));
  EXPECT_TRUE(queue.push(2));
  EXPECT_FALSE(queue.push(3)) << "two already wait";
  EXPECT_EQ(queue.waiting(), 2u);
  // The worker is held on 0, so the queue empties only when stop() takes
  // 1 and 2 back; then 0 may finish.
  std::thread releaser([&] {
    while (queue.waiting() != 0) std::this_thread::yield();
    release.set_value();
  });
  auto left = queue.stop();  // waits for 0 to finish; 1 and 2 never run
  releaser.join();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], 1);
  EXPECT_EQ(left[1], 2);
  EXPECT_EQ(handled.load(), 1);
  EXPECT_FALSE(queue.push(4)) << "stopped";
  EXPECT_TRUE(queue.stop().empty());
  queue.wait_idle();  // returns at once once stopped
}

}  // namespace
}  // namespace icrm
