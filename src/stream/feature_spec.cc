#include "stream/feature_spec.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "stream/stream_state.h"

namespace icrm::stream {

FeatureSpec::FeatureSpec(StreamConfig config, const ingest::EventTypeRegistry& types)
    : config_(std::move(config)),
      type_count_(types.size()),
      per_type_(2 * config_.window_count() + 4) {
  names_.reserve(type_count_ * per_type_);
  const std::string k = std::to_string(config_.moving_average_k());
  for (size_t t = 0; t < type_count_; ++t) {
    std::string type(types.name(static_cast<ingest::EventTypeId>(t)));
    for (const WindowSpec& w : config_.windows()) names_.push_back("counts_" + w.name + "_" + type);
    for (const WindowSpec& w : config_.windows()) names_.push_back("sum_" + w.name + "_" + type);
    names_.push_back("recency_" + type + "_s");
    names_.push_back("avg_last" + k + "_" + type);
    names_.push_back("mean_" + type);
    names_.push_back("std_" + type);
  }
  uint64_t h = 14695981039346656037ULL;
  for (const std::string& name : names_) {
    for (unsigned char c : name) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // a separator no name contains
    h *= 1099511628211ULL;
  }
  fingerprint_ = h;
}

void FeatureSpec::extract(const EntityState* entity, Timestamp t, std::span<double> out) const {
  assert(out.size() == names_.size());
  const size_t windows = config_.window_count();
  const double never = recency_seconds(config_, nullptr, t);
  for (size_t type = 0; type < type_count_; ++type) {
    double* f = out.data() + type * per_type_;
    std::fill(f, f + per_type_, 0.0);
    f[2 * windows] = never;
  }
  if (entity == nullptr) return;
  int64_t t_bucket[kMaxWindows];
  for (size_t w = 0; w < windows; ++w) {
    t_bucket[w] = floor_div(to_unix_micros(t), config_.granularity_us(w));
  }
  for (const TypeState& s : entity->types) {
    if (s.type >= type_count_) continue;  // registered after this spec was made
    double* f = out.data() + s.type * per_type_;
    for (size_t w = 0; w < windows; ++w) {
      WindowValue v = window_value_in_bucket(config_, s, w, t_bucket[w]);
      f[w] = static_cast<double>(v.count);
      f[windows + w] = v.sum;
    }
    f[2 * windows] = recency_seconds(config_, &s, t);
    f[2 * windows + 1] = moving_average(&s);
    f[2 * windows + 2] = s.values.n > 0 ? s.values.mean : 0.0;
    f[2 * windows + 3] = s.values.sigma();
  }
}

std::vector<double> features_as_of(const FeatureSpec& spec, std::span<const ingest::Event> events,
                                   std::string_view entity, Timestamp t) {
  // Only this entity's events matter to its features, but lateness is judged
  // against the whole stream's watermark, so every event before t is replayed.
  StreamOptions options = spec.config().options();
  options.dedupe_capacity = std::min<size_t>(options.dedupe_capacity, events.size() + 1);
  StreamState state(*StreamConfig::create(std::move(options)));
  for (const ingest::Event& e : events) {
    if (e.ts < t) state.apply(e);
  }
  std::vector<double> out(spec.size());
  spec.extract(state.entity(entity), t, out);
  return out;
}

}  // namespace icrm::stream
