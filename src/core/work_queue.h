// WorkQueue<T>: one worker thread that handles items one at a time, in the
// order they were pushed — the loop behind the score subscriber and the
// import and model job runners. push() hands an item over and returns at
// once; wait_idle() blocks until nothing waits or runs; stop() lets the item
// being handled finish and gives back the ones that never ran, for their
// owner to account for (fail a job, remove its file).
//
// Not for the event appender (group commit takes every waiting item at
// once and answers each caller) nor the live scorer (it coalesces touched
// leads and only takes a settled group): their loops differ in what a round
// takes.
//
// Thread-safety: push(), waiting() and wait_idle() from any thread; stop()
// from the owner (the destructor calls it). The handler runs on the worker
// thread only.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

namespace icrm {

template <typename T>
class WorkQueue {
 public:
  // Starts the worker. At most `max_waiting` items wait behind the one
  // being handled.
  explicit WorkQueue(std::function<void(T&)> handler,
                     std::size_t max_waiting = std::numeric_limits<std::size_t>::max())
      : handler_(std::move(handler)), max_waiting_(max_waiting), worker_([this] { run(); }) {}
  ~WorkQueue() { stop(); }
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `item`: false (and the item is dropped) when max_waiting items
  // already wait, or after stop().
  bool push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= max_waiting_) return false;
      queue_.push_back(std::move(item));
    }
    work_cv_.notify_one();
    return true;
  }

  // Items waiting (not counting the one being handled).
  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

  // Blocks until no item waits or is being handled, or stop() began.
  void wait_idle() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return stopping_ || (queue_.empty() && !busy_); });
  }

  // Waits for the item being handled; returns the items that never ran (in
  // order). Later calls return nothing.
  std::deque<T> stop() {
    std::deque<T> left;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      left.swap(queue_);
    }
    work_cv_.notify_all();
    idle_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    return left;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      T item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      handler_(item);
      lock.lock();
      busy_ = false;
      if (queue_.empty()) idle_cv_.notify_all();
    }
  }

  const std::function<void(T&)> handler_;
  const std::size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_, idle_cv_;
  std::deque<T> queue_;    // GUARDED_BY(mutex_)
  bool busy_ = false;      // GUARDED_BY(mutex_): the handler is running
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread worker_;     // started last, joined by stop()
};

}  // namespace icrm
