// EventStore: the append-only event log (table `events`, migration 0005).
// Appends a batch in one transaction, skipping events whose idempotency key
// is already stored, and reads the log back in arrival order for a state
// rebuild. Thread-safe as Database is: each call leases its own connection.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

// One event as the log holds it. `type` is the type's name (ids are a
// process's own business); `key` the 64-bit idempotency key.
struct LoggedEvent {
  int64_t seq = 0;  // set by the log; ignored on append
  uint64_t key = 0;
  std::string entity;
  std::string type;
  Timestamp ts{};
  double value = 1.0;
  std::string attrs;  // JSON object text, "" for none
  Timestamp received_at{};
  bool too_late = false;
  bool operator==(const LoggedEvent&) const = default;
};

// What an append did, event by event.
struct AppendResult {
  std::vector<bool> stored;  // false: its key was already in the log (a duplicate)
  int64_t stored_count = 0;
};

// At most this many rows per read_after() call.
inline constexpr size_t kMaxEventReadLimit = 100000;

class EventStore {
 public:
  explicit EventStore(Database& db) : db_(db) {}

  // Appends in one transaction: all rows durable on success, none on failure.
  Result<AppendResult> append(std::span<const LoggedEvent> events);
  // Rows with seq > after_seq, in seq order, at most `limit` (<= kMaxEventReadLimit).
  Result<std::vector<LoggedEvent>> read_after(int64_t after_seq, size_t limit);
  Result<int64_t> count();

 private:
  Database& db_;
};

}  // namespace icrm::store
