// BoundedExecutor: a few worker threads with a short queue, for work that
// must not run on the HTTP I/O threads without a bound (argon2id password
// checks: ~64 MiB and tens of milliseconds each). run() hands a job over and
// waits for it; when `queue_capacity` jobs are already waiting it refuses at
// once, so a flood of sign-ins costs at most `threads` hashes at a time and
// holds at most threads + queue_capacity I/O threads, and the rest are told
// to come back (503) instead of piling up.
//
// Thread-safety: run() from any thread. The destructor finishes the queued
// jobs; no run() may be in progress or start after it begins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace icrm {

class BoundedExecutor {
 public:
  // REQUIRES: threads >= 1.
  BoundedExecutor(std::size_t threads, std::size_t queue_capacity);
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Runs `job` on a worker and returns once it has run: true. False, without
  // running it, when the queue is full.
  bool run(const std::function<void()>& job);
  // Jobs run to their end so far.
  uint64_t completed() const;

 private:
  struct Task {
    const std::function<void()>* job;
    bool done = false;
  };
  void work();

  const std::size_t queue_capacity_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Task*> queue_;  // GUARDED_BY(mutex_); the tasks live on run()'s stack
  // Jobs running: with the queued ones, at most threads + queue_capacity.
  std::size_t busy_ = 0;    // GUARDED_BY(mutex_)
  uint64_t completed_ = 0;  // GUARDED_BY(mutex_)
  bool stopping_ = false;   // GUARDED_BY(mutex_)
  std::vector<std::thread> threads_;
};

}  // namespace icrm
