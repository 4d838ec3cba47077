// Clock: the one way code asks what time it is, so tests can drive time by
// hand instead of sleeping. Window logic, sessions, rate limits and schedules
// take a Clock& and never call system_clock::now() themselves.
#pragma once

#include <atomic>

#include "core/time.h"

namespace icrm {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// The real time. Thread-safe.
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
  // A process-wide instance for code that has nothing injected.
  static SystemClock& instance();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : us_(to_unix_micros(start)) {}
  Timestamp now() const override { return from_unix_micros(us_.load()); }
  void set(Timestamp t) { us_.store(to_unix_micros(t)); }
  void advance(std::chrono::microseconds d) { us_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> us_;
};

}  // namespace icrm
