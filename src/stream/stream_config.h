// StreamConfig: the immutable configuration of the window operator — which
// sliding windows are kept and at what bucket width, the moving-average k, the
// allowed lateness, the dedupe bound and the per-entity anomaly rule. Built
// once from StreamOptions (validated) and shared read-only by the state
// update, feature extraction and replay; per-entity state lives elsewhere
// (type_state.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace icrm::stream {

using Micros = std::chrono::microseconds;

// A window of `length` kept as length/granularity buckets. At query time t it
// covers every applied event whose bucket (floor(ts / granularity)) lies in
// the last length/granularity buckets up to and including t's bucket: the
// current partial bucket plus whole earlier buckets, so its real span is
// between length - granularity and length.
struct WindowSpec {
  std::string name;  // [a-z0-9]+, part of feature names: "1h", "24h", "7d", "30d"
  Micros length{};
  Micros granularity{};
};

// Limits on the configuration, so per-entity memory stays bounded.
inline constexpr size_t kMaxWindows = 8;
inline constexpr int64_t kMaxBucketsPerWindow = 1440;
inline constexpr int kMaxMovingAverageK = 1000;
inline constexpr size_t kMaxDedupeCapacity = size_t{1} << 26;

// The defaults: 1 h in 1-minute buckets, 24 h in hours, 7 d in 6 hours, 30 d in days.
std::vector<WindowSpec> default_windows();

// What an operator sets; every field has a sensible default.
struct StreamOptions {
  std::vector<WindowSpec> windows = default_windows();
  int moving_average_k = 10;
  // Events older than (the newest applied event time - allowed_lateness) are
  // too late: counted and flagged, not applied.
  Micros allowed_lateness = std::chrono::hours(1);
  // At most this many idempotency keys remembered (see dedupe_set.h).
  size_t dedupe_capacity = size_t{1} << 18;

  // Per-entity anomaly rule |x - mu| > gamma * max(sigma, floor) (paper eq. 19).
  double gamma = 3.0;
  // Observations (rate buckets, or values) needed before the rule may fire.
  int min_history = 24;
  // Rate: events per entity and type per rate_bucket, tracked by an EWMA.
  Micros rate_bucket = std::chrono::hours(1);
  double rate_alpha = 0.05;
  double rate_min_sigma = 1.0;  // a cold lead's sigma is ~0; one visit is not a burst
  // A burst needs at least this many events in the bucket: with low rates the
  // Poisson tail alone passes mu + 3 sigma in ~0.2 % of buckets.
  int rate_min_events = 5;
  // Value: Welford mean/deviation of event values; sigma floor relative to |mu|.
  double value_min_sigma_fraction = 0.01;
};

class StreamConfig {
 public:
  static Result<StreamConfig> create(StreamOptions options);
  // The defaults (always valid).
  static StreamConfig defaults();

  const std::vector<WindowSpec>& windows() const { return options_.windows; }
  size_t window_count() const { return options_.windows.size(); }
  // Buckets of window w, and where its ring starts in a TypeState's arrays.
  int64_t buckets(size_t w) const { return buckets_[w]; }
  int64_t bucket_offset(size_t w) const { return offsets_[w]; }
  int64_t total_buckets() const { return total_buckets_; }
  int64_t granularity_us(size_t w) const { return options_.windows[w].granularity.count(); }
  // The longest window: the cap on recency features.
  Micros longest_window() const { return longest_; }

  int moving_average_k() const { return options_.moving_average_k; }
  Micros allowed_lateness() const { return options_.allowed_lateness; }
  size_t dedupe_capacity() const { return options_.dedupe_capacity; }
  double gamma() const { return options_.gamma; }
  int min_history() const { return options_.min_history; }
  int64_t rate_bucket_us() const { return options_.rate_bucket.count(); }
  double rate_alpha() const { return options_.rate_alpha; }
  double rate_min_sigma() const { return options_.rate_min_sigma; }
  int rate_min_events() const { return options_.rate_min_events; }
  double value_min_sigma_fraction() const { return options_.value_min_sigma_fraction; }
  const StreamOptions& options() const { return options_; }

 private:
  explicit StreamConfig(StreamOptions options);

  StreamOptions options_;
  std::vector<int64_t> buckets_;
  std::vector<int64_t> offsets_;
  int64_t total_buckets_ = 0;
  Micros longest_{};
};

}  // namespace icrm::stream
