// StreamState: the in-memory picture of the whole event stream — every
// entity's window state, the dedupe memory and the event-time watermark —
// updated one event at a time by apply(). State is a pure function of the
// sequence of events applied: replaying the stored log in its order after a
// restart rebuilds an equal state (operator==).
//
// Lateness is judged against the watermark, the newest event time applied so
// far (event time, not the wall clock, so replaying history behaves like the
// live stream did). Not thread-safe: one thread owns a StreamState (per Kafka
// partition, say) and others send it events.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "ingest/event.h"
#include "stream/admission.h"
#include "stream/anomaly.h"
#include "stream/dedupe_set.h"
#include "stream/entity_state.h"
#include "stream/stream_config.h"

namespace icrm::stream {

struct StreamCounters {
  int64_t applied = 0;
  int64_t duplicates = 0;
  int64_t too_late = 0;
  bool operator==(const StreamCounters&) const = default;
};

class StreamState {
 public:
  explicit StreamState(StreamConfig config);

  // Applies one validated event. Anomalies the per-entity rule finds are
  // appended to *anomalies when given. Allocation-free once the entity and
  // its type have been seen (and *anomalies has room).
  ApplyOutcome apply(const ingest::Event& event, std::vector<Anomaly>* anomalies = nullptr);

  // nullptr when the entity has no applied event.
  const EntityState* entity(std::string_view key) const;
  size_t entity_count() const { return entities_.size(); }
  void for_each_entity(const std::function<void(std::string_view, const EntityState&)>& fn) const;

  // The newest applied event time; kNoBucket micros before any.
  int64_t watermark_us() const { return admission_.watermark_us(); }
  const StreamCounters& counters() const { return counters_; }
  const DedupeSet& dedupe() const { return admission_.dedupe(); }
  // The duplicate and lateness decisions so far (see admission.h).
  const Admission& admission() const { return admission_; }
  const StreamConfig& config() const { return config_; }

  // Same entities with equal state, same dedupe memory, watermark and
  // counters. REQUIRES: both built with the same configuration.
  bool operator==(const StreamState& other) const;

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  StreamConfig config_;
  std::unordered_map<std::string, EntityState, KeyHash, std::equal_to<>> entities_;
  Admission admission_;
  StreamCounters counters_;
};

}  // namespace icrm::stream
