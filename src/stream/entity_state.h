// The per-entity state of the window operator (kept apart from its immutable
// StreamConfig, STYLE habit 9): per event type, the bucket rings of every
// window with running totals, recency, the last-k values behind the moving
// average A_t = (1/k) sum x_i (paper eq. 1/18), Welford value statistics and
// the EWMA rate baseline for the burst rule (eq. 19).
//
// Memory is bounded per entity: at most kMaxEventTypes TypeStates, each with
// at most kSparseEventLimit raw events or config.total_buckets() buckets (16
// bytes each), and k recent values; nothing grows with the number of events.
// Updating a TypeState allocates only while it is young (its vectors grow to
// their bound, and once when it turns dense); in steady state, nothing.
// Not thread-safe: one thread owns a StreamState and all its entities.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/time.h"
#include "ingest/event.h"
#include "ingest/event_type.h"
#include "stream/anomaly.h"
#include "stream/stream_config.h"

namespace icrm::stream {

inline constexpr int64_t kNoBucket = std::numeric_limits<int64_t>::min();

// Running totals of one window's ring. `sum` is in value micro-units; it is
// 128-bit so a ring of saturated buckets cannot overflow it.
struct WindowTotals {
  int64_t head = kNoBucket;  // the newest bucket index the ring holds
  int64_t count = 0;
  __int128 sum = 0;
  bool operator==(const WindowTotals&) const = default;
};

// One ring slot. `tag` is the low 32 bits of the bucket index the slot holds;
// a slot whose tag is not the index being asked about is empty. Tags make a
// jump of a whole ring O(1) (nothing is cleared) and fill what would be
// padding anyway. They repeat only after 2^32 buckets (8,000 years of minutes).
struct Bucket {
  int64_t sum = 0;     // micro-units, saturating
  uint32_t count = 0;  // saturating
  uint32_t tag = 0;
  bool operator==(const Bucket&) const = default;
};

// One of the last k events of a type, ordered by (ts, key).
struct RecentValue {
  int64_t ts_us = 0;
  uint64_t key = 0;
  int64_t value_micros = 0;
  bool operator==(const RecentValue&) const = default;
};

// An applied event kept as it is while its type is sparse.
struct RawValue {
  int64_t ts_us = 0;
  int64_t value_micros = 0;
  bool operator==(const RawValue&) const = default;
};

// A type's windows start sparse: the applied events that can still fall in a
// window are kept as they are (ordered by time) and windows are counted from
// them. Past kSparseEventLimit such events the type turns dense: ring buckets
// per window with running totals, a fixed size whatever the volume. Both give
// the same numbers (tests check both against a brute force); sparse costs a
// few hundred bytes for the many entities that act a few times a month.
inline constexpr size_t kSparseEventLimit = 16;

struct TypeState {
  ingest::EventTypeId type = ingest::kPageView;
  std::vector<RawValue> raw;  // sparse: events by ts; empty once dense
  // Dense: all windows' rings back to back in one array; window w starts at
  // config.bucket_offset(w) and bucket index i lives at slot i mod config.buckets(w).
  std::vector<Bucket> buckets;
  std::vector<WindowTotals> windows;  // one per window; empty while sparse
  bool dense() const { return !buckets.empty(); }

  int64_t applied = 0;             // events applied, lifetime
  int64_t last_ts_us = kNoBucket;  // newest event time (recency)

  std::vector<RecentValue> recent;  // the k newest by (ts, key), ascending; capacity k
  int64_t recent_sum = 0;           // micro-units

  WelfordStats values;  // over values in units

  int64_t rate_bucket = kNoBucket;  // current rate bucket index
  int64_t rate_count = 0;           // events in it so far
  EwmaStats rate;                   // over closed rate buckets
  bool rate_fired = false;          // the burst rule fired in the current bucket

  bool operator==(const TypeState&) const = default;
};

struct EntityState {
  std::vector<TypeState> types;  // in order of first appearance
  const TypeState* find(ingest::EventTypeId type) const;
  TypeState* find(ingest::EventTypeId type);
  bool operator==(const EntityState&) const = default;
};

// Heap and inline bytes an entity's state holds (what "memory per entity" reports).
size_t memory_bytes(const EntityState& entity);

// An empty (sparse) TypeState.
TypeState make_type_state(const StreamConfig& config, ingest::EventTypeId type);

// What one update found for the anomaly rule (at most a burst and a value outlier).
struct Finding {
  AnomalyKind kind = AnomalyKind::kEntityBurst;
  double expected = 0;
  double seen = 0;
  double sigma = 0;
};
struct Findings {
  Finding items[2];
  int size = 0;
};

// Applies one accepted event (not a duplicate, not too late). Allocation-free.
Findings apply_to_type(const StreamConfig& config, TypeState& state, int64_t ts_us,
                       int64_t value_micros, uint64_t key);

// Queries as of time t. REQUIRES: t is not before the bucket of the newest
// event applied (a query in the past is clamped to that bucket; for features
// as of a past time replay the events before it: features_as_of()).
struct WindowValue {
  int64_t count = 0;
  double sum = 0;  // units
};
WindowValue window_value(const StreamConfig& config, const TypeState& state, size_t window,
                         Timestamp t);
// The same with t given as its bucket index for the window (floor(t / granularity)),
// so a caller reading many types at one t divides once per window.
WindowValue window_value_in_bucket(const StreamConfig& config, const TypeState& state,
                                   size_t window, int64_t t_bucket);
// Seconds since the newest event, at least 0, capped at the longest window
// (the cap also stands for "never").
double recency_seconds(const StreamConfig& config, const TypeState* state, Timestamp t);
// A_t over the last min(k, applied) values; 0 with none.
double moving_average(const TypeState* state);

// floor(a / b) for b > 0.
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

}  // namespace icrm::stream
