#include "core/bounded_executor.h"

#include <algorithm>

namespace icrm {

BoundedExecutor::BoundedExecutor(std::size_t threads, std::size_t queue_capacity)
    : queue_capacity_(queue_capacity) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    threads_.emplace_back([this] { work(); });
}

BoundedExecutor::~BoundedExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool BoundedExecutor::run(const std::function<void()>& job) {
  Task task{&job};
  std::unique_lock lock(mutex_);
  if (queue_.size() + busy_ >= threads_.size() + queue_capacity_) return false;
  queue_.push_back(&task);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return task.done; });
  return true;
}

uint64_t BoundedExecutor::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

void BoundedExecutor::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Task* task = queue_.front();
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    (*task->job)();
    lock.lock();
    --busy_;
    ++completed_;
    task->done = true;
    done_cv_.notify_all();
  }
}

}  // namespace icrm
