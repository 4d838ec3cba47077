// OutcomeSweeper: the feedback loop's clock. `serve` runs one; every
// `interval` of the injected Clock it calls DecisionService::infer_outcomes(),
// so a decision whose lead converted gets "converted" soon after, and one
// whose horizon passed without a conversion gets "engaged" or
// "no_conversion" (reward 0.5 or 0) instead of waiting for someone to run
// `insightcrm decide`. Each label updates the bandit.
//
// Time comes only from the Clock: tick() sweeps when a sweep is due by that
// clock, and the background thread (start()) merely calls tick() every
// `poll` of real time. Tests call tick() with a ManualClock and never sleep.
//
// Thread-safety: tick() from one thread at a time (the sweeper's own thread
// after start()); counters() from any.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "app/decision_service.h"
#include "core/clock.h"
#include "core/periodic_thread.h"
#include "core/result.h"

namespace icrm::app {

struct OutcomeSweepOptions {
  std::chrono::seconds interval{300};    // by the injected clock
  std::chrono::milliseconds poll{1000};  // real time between tick() calls of the thread
};
// The shortest sweep interval `serve` accepts; a sweep reads every pending decision.
inline constexpr std::chrono::seconds kMinOutcomeSweepInterval{1};
inline constexpr std::chrono::seconds kMaxOutcomeSweepInterval{std::chrono::hours(24)};

class OutcomeSweeper {
 public:
  struct Counters {
    uint64_t sweeps = 0;
    uint64_t labelled = 0;  // outcomes inferred over all sweeps
    uint64_t failed = 0;    // sweeps that ended in an error (logged; retried next interval)
  };

  // REQUIRES: service and clock outlive the sweeper; options.interval within
  // [kMinOutcomeSweepInterval, kMaxOutcomeSweepInterval].
  OutcomeSweeper(DecisionService& service, const Clock& clock, OutcomeSweepOptions options = {});
  ~OutcomeSweeper();  // stops the thread
  OutcomeSweeper(const OutcomeSweeper&) = delete;
  OutcomeSweeper& operator=(const OutcomeSweeper&) = delete;

  // Sweeps when one is due (the first call always is); returns how many
  // outcomes that sweep inferred, 0 when none was due.
  Result<int> tick();

  void start();
  void stop();
  Counters counters() const;

 private:
  DecisionService& service_;
  const Clock& clock_;
  OutcomeSweepOptions options_;
  bool swept_ = false;      // used by tick() only
  Timestamp next_sweep_{};  // used by tick() only

  mutable std::mutex mutex_;
  Counters counters_;  // GUARDED_BY(mutex_)
  PeriodicThread thread_;
};

}  // namespace icrm::app
