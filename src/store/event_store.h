// EventStore: the append-only event log (table `events`, migrations 0005,
// 0007, 0011 and 0015). Reads the log back in arrival order for a state rebuild, lists it
// with filters for the API, and appends batches (a convenience over
// EventLogWriter, the fast path a group commit uses). Thread-safe as Database
// is: each call leases its own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  std::optional<int64_t> submitted_by;  // the user who sent it; none: a replay, Kafka, the system
  bool operator==(const LoggedEvent&) const = default;
};

// A row to append, by view: the strings belong to the caller and must outlive
// the append call. What the group commit builds from its batches without
// copying a string.
struct EventRow {
  uint64_t key = 0;
  std::string_view entity;
  std::string_view type;
  Timestamp ts{};
  double value = 1.0;
  std::string_view attrs;
  Timestamp received_at{};
  bool too_late = false;
  std::optional<int64_t> submitted_by;
};

// What an append did, row by row.
struct AppendResult {
  // false: the log already holds an event with the same entity partition,
  // time and key (a re-delivery), so this one was not stored again.
  std::vector<bool> stored;
  int64_t stored_count = 0;
};

// The log's rows are spread over this many partitions by a stable hash of
// the entity (see migrations/0007_stream.sql for why).
inline constexpr int kEntityPartitions = 64;
// The partition of an entity key: FNV-1a, stable across runs and machines.
int entity_partition(std::string_view entity);

// At most this many rows per read_after() call.
inline constexpr size_t kMaxEventReadLimit = 100000;

// A page of the log for the API: newest first (by arrival, seq).
struct EventFilter {
  std::string entity;             // "" for all; exact canonical key ("lead:42")
  std::string type;               // "" for all
  std::optional<Timestamp> from;  // ts >= from
  std::optional<Timestamp> to;    // ts < to
  int64_t before_seq = 0;         // the cursor: rows with seq < before_seq; 0 = from the newest
  size_t limit = 50;              // 1 .. kMaxEventReadLimit
  // Only events about no lead or about leads this user owns or nobody owns
  // (entity_visibility.h: what a rep sees).
  std::optional<int64_t> visible_to_owner;
};

class EventStore {
 public:
  explicit EventStore(Database& db) : db_(db) {}

  // Appends in one transaction: all rows durable on success, none on failure.
  Result<AppendResult> append(std::span<const LoggedEvent> events);
  // Rows with seq > after_seq, in seq order, at most `limit` (<= kMaxEventReadLimit).
  Result<std::vector<LoggedEvent>> read_after(int64_t after_seq, size_t limit);
  // Rows matching the filter, newest first.
  Result<std::vector<LoggedEvent>> list(const EventFilter& filter);
  Result<int64_t> count();

 private:
  Database& db_;
};

}  // namespace icrm::store
