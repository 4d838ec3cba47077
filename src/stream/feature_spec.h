// FeatureSpec: the one specification that turns an entity's window state at
// time t into named numbers, shared by training (features/, models/) and
// serving, so a model sees in production exactly what it saw when trained.
//
// Naming scheme (stable; a model stores fingerprint() to detect a change).
// For each event type, in type-id order (built-ins first, then custom types in
// registration order), for each window name W in configuration order:
//   counts_<W>_<type>    events of the type in window W
//   sum_<W>_<type>       sum of their values in W (units)
// then, per type:
//   recency_<type>_s     seconds since the newest event of the type, capped at
//                        the longest window (the cap also means "never")
//   avg_last<k>_<type>   A_t = (1/k) sum of the last k values (fewer if fewer; 0 if none)
//   mean_<type>          running mean of all its values (0 if none)
//   std_<type>           running population standard deviation (0 if none)
// e.g. counts_1h_page_view, sum_30d_purchase, recency_email_open_s, avg_last10_call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "ingest/event.h"
#include "ingest/event_type.h"
#include "stream/entity_state.h"
#include "stream/stream_config.h"

namespace icrm::stream {

class FeatureSpec {
 public:
  // Covers every type registered in `types` at this moment.
  FeatureSpec(StreamConfig config, const ingest::EventTypeRegistry& types);

  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  // A hash of the names in order.
  uint64_t fingerprint() const { return fingerprint_; }
  // Features per event type, and the index of a type's first feature.
  size_t per_type() const { return per_type_; }
  const StreamConfig& config() const { return config_; }

  // Writes the features of `entity` (nullptr: no events yet) at time t into
  // out, in names() order. REQUIRES: out.size() == size(); t not before the
  // entity's newest event bucket (see window_value). Allocation-free.
  void extract(const EntityState* entity, Timestamp t, std::span<double> out) const;

 private:
  StreamConfig config_;
  size_t type_count_;
  size_t per_type_;
  std::vector<std::string> names_;
  uint64_t fingerprint_ = 0;
};

// Point-in-time correctness for training rows: the features of `entity` as of
// time t from `events` (the stored log, in arrival order), replaying into
// fresh state only the events with ts < t (all entities' — lateness is judged
// against the stream's watermark, as it was live). Nothing from t or after
// can leak into a training row. Cost: one pass over `events`.
std::vector<double> features_as_of(const FeatureSpec& spec, std::span<const ingest::Event> events,
                                   std::string_view entity, Timestamp t);

}  // namespace icrm::stream
