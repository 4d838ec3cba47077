#include "stream/stream_state.h"

#include <utility>

namespace icrm::stream {

StreamState::StreamState(StreamConfig config)
    : config_(std::move(config)),
      admission_(config_.allowed_lateness(), config_.dedupe_capacity()) {}

ApplyOutcome StreamState::apply(const ingest::Event& event, std::vector<Anomaly>* anomalies) {
  if (event.type >= ingest::kMaxEventTypes) return ApplyOutcome::kInvalidType;
  const int64_t ts_us = to_unix_micros(event.ts);
  switch (admission_.admit(event.key, ts_us)) {
    case ApplyOutcome::kDuplicate:
      ++counters_.duplicates;
      return ApplyOutcome::kDuplicate;
    case ApplyOutcome::kTooLate:
      ++counters_.too_late;
      return ApplyOutcome::kTooLate;
    default:
      break;
  }

  auto it = entities_.find(std::string_view(event.entity));
  if (it == entities_.end()) it = entities_.emplace(event.entity, EntityState{}).first;
  EntityState& entity = it->second;
  TypeState* type_state = entity.find(event.type);
  if (type_state == nullptr) {
    entity.types.push_back(make_type_state(config_, event.type));
    type_state = &entity.types.back();
  }

  Findings found =
      apply_to_type(config_, *type_state, ts_us, ingest::to_value_micros(event.value), event.key);
  if (anomalies != nullptr) {
    for (int i = 0; i < found.size; ++i) {
      const Finding& f = found.items[i];
      anomalies->push_back(
          Anomaly{f.kind, event.entity, event.type, f.expected, f.seen, f.sigma, event.ts});
    }
  }
  ++counters_.applied;
  return ApplyOutcome::kApplied;
}

const EntityState* StreamState::entity(std::string_view key) const {
  auto it = entities_.find(key);
  return it == entities_.end() ? nullptr : &it->second;
}

void StreamState::for_each_entity(
    const std::function<void(std::string_view, const EntityState&)>& fn) const {
  for (const auto& [key, state] : entities_) fn(key, state);
}

bool StreamState::operator==(const StreamState& other) const {
  // unordered_map's == compares contents regardless of bucket layout.
  return counters_ == other.counters_ && admission_ == other.admission_ &&
         entities_ == other.entities_;
}

}  // namespace icrm::stream
