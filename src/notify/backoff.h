// When a failed webhook delivery is tried again: exponential backoff with
// jitter. Attempt n (1-based, the one that just failed) waits
//   base * 2^(n-1), capped at `cap`, times a factor drawn uniformly from
//   [1 - jitter, 1]
// so receivers that come back are not hit by every sender at once. After
// `max_attempts` attempts the delivery is given up (failed). With the
// defaults the waits are about 30 s, 1 min, 2, 4, 8, 16, 32 min, then failed
// after the 8th attempt (~1 h after the first).
#pragma once

#include <chrono>
#include <optional>

#include "core/random.h"

namespace icrm::notify {

inline constexpr int kDefaultMaxDeliveryAttempts = 8;

struct BackoffPolicy {
  std::chrono::milliseconds base{30'000};
  std::chrono::milliseconds cap{3'600'000};
  double jitter = 0.5;  // share of the delay that is random, 0..1
  int max_attempts = kDefaultMaxDeliveryAttempts;

  // The wait before the next attempt after `attempts` failed ones, or none
  // when `attempts` reached max_attempts (give up).
  std::optional<std::chrono::milliseconds> delay_after(int attempts, Rng& rng) const;
};

}  // namespace icrm::notify
