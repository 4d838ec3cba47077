// LoginAttemptStore: counts failed sign-ins per account and per client
// address in fixed windows, in the shared database so that every instance
// behind a load balancer sees the same count and a restart does not wipe it.
// The limits and what to do when they are reached are api/auth's; this class
// counts atomically (one upsert per failure).
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

enum class AttemptScope { kAccount, kAddress };

struct AttemptCounter {
  int failures = 0;
  Timestamp window_started_at;
};

class LoginAttemptStore {
 public:
  explicit LoginAttemptStore(Database& db) : db_(db) {}

  // The counter for `subject`, or nothing when it has no failures on record.
  Result<std::optional<AttemptCounter>> get(AttemptScope scope, const std::string& subject);
  // Adds one failure at `now`. A window older than `window` restarts at 1.
  Result<AttemptCounter> record_failure(AttemptScope scope, const std::string& subject,
                                        Timestamp now, std::chrono::seconds window);
  Status clear(AttemptScope scope, const std::string& subject);
  // Housekeeping: forgets windows that started at or before `cutoff`.
  Result<int64_t> remove_older_than(Timestamp cutoff);

 private:
  Database& db_;
};

}  // namespace icrm::store
