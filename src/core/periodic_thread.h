// PeriodicThread: a background thread that calls one function now, then again
// every `interval` of real time, or sooner when woken — the loop behind the
// webhook outbox and the outcome sweep. What the function does with time is
// its own business (it reads an injected Clock); this only paces the calls.
//
// Thread-safety: start() and stop() from the owner's thread; wake() from any.
// The function runs on the thread only, one call at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace icrm {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts calling `tick` (no-op when already running).
  void start(std::chrono::milliseconds interval, std::function<void()> tick);
  // The next call comes now rather than at the end of the interval.
  void wake();
  // Waits for a call in progress to end; no call comes after.
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  bool woken_ = false;     // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace icrm
