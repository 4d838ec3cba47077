// LoginAttemptStore: failed sign-ins with a growing delay, counted per
// (account, client address) and per client address, in the shared database
// so that every instance behind a load balancer sees the same count and a
// restart does not wipe it. The limits are api/auth's (a Backoff passed in);
// this class applies them atomically.
//
// An attempt is reserved before the password is checked (reserve(): counted
// as a failure, and the delay that failure would earn already set), so N
// parallel guesses can never all read the count before any of them writes
// it. A success then forgets the counter (clear()) or gives the reserved
// attempt back (refund()).
//
// Thread-safety: safe to share between threads and between processes.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

enum class AttemptScope { kAccountAddress, kAddress };

struct AttemptKey {
  AttemptScope scope = AttemptScope::kAccountAddress;
  std::string account;  // empty for kAddress
  std::string address;
};

// How failures slow the next attempt: `free_attempts` back to back, then a
// delay of first_delay, doubling with each failure up to max_delay. A counter
// with no attempt for `forget_after` starts again from zero.
struct Backoff {
  int free_attempts = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{900};
  std::chrono::seconds forget_after{86400};

  // The wait after the `failures`-th failure (0 while within the free ones).
  std::chrono::seconds delay_after(int failures) const;
};

struct AttemptCounter {
  int failures = 0;
  Timestamp last_attempt_at;
  Timestamp next_attempt_at;
};

struct Reservation {
  bool granted = false;
  // Granted: the failures counted, this attempt included; the delay it earns
  // if it fails (0 within the free attempts).
  int failures = 0;
  std::chrono::seconds delay{0};
  // Refused: how long until the next attempt may be made, at least 1 s.
  std::chrono::seconds retry_after{0};
};

// Rounds to reserve an attempt against concurrent writers before giving up
// with `unavailable` (each round, one of the contenders wins).
inline constexpr int kMaxReserveRounds = 64;

class LoginAttemptStore {
 public:
  explicit LoginAttemptStore(Database& db) : db_(db) {}

  // Counts one attempt at `now` unless the key must still wait.
  Result<Reservation> reserve(const AttemptKey& key, Timestamp now, const Backoff& backoff);
  // The counter for `key`, or nothing when it has no failures on record.
  Result<std::optional<AttemptCounter>> get(const AttemptKey& key);
  // Forgets the counter (a success for this account and address).
  Status clear(const AttemptKey& key);
  // Gives back one reserved attempt that turned out not to be a failure
  // (with the delay it set, when that leaves the key within the free ones).
  Status refund(const AttemptKey& key, const Backoff& backoff);
  // Housekeeping: forgets counters whose last attempt was at or before
  // `cutoff` and that no longer hold anyone back at `now`.
  Result<int64_t> remove_idle(Timestamp cutoff, Timestamp now);

 private:
  Database& db_;
};

}  // namespace icrm::store
