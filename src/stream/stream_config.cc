#include "stream/stream_config.h"

#include <cmath>
#include <string>
#include <utility>

namespace icrm::stream {

std::vector<WindowSpec> default_windows() {
  using std::chrono::hours;
  using std::chrono::minutes;
  return {
      {"1h", hours(1), minutes(1)},
      {"24h", hours(24), hours(1)},
      {"7d", hours(24 * 7), hours(6)},
      {"30d", hours(24 * 30), hours(24)},
  };
}

StreamConfig::StreamConfig(StreamOptions options) : options_(std::move(options)) {
  for (const WindowSpec& w : options_.windows) {
    int64_t b = w.length.count() / w.granularity.count();
    offsets_.push_back(total_buckets_);
    buckets_.push_back(b);
    total_buckets_ += b;
    if (w.length > longest_) longest_ = w.length;
  }
}

StreamConfig StreamConfig::defaults() { return StreamConfig(StreamOptions{}); }

Result<StreamConfig> StreamConfig::create(StreamOptions options) {
  if (options.windows.empty()) return Error::invalid("at least one window is needed", "windows");
  if (options.windows.size() > kMaxWindows) {
    return Error::too_large("at most " + std::to_string(kMaxWindows) + " windows", "windows");
  }
  for (size_t i = 0; i < options.windows.size(); ++i) {
    const WindowSpec& w = options.windows[i];
    std::string field = "windows[" + std::to_string(i) + "]";
    if (w.name.empty()) return Error::invalid("a window needs a name", field + ".name");
    for (char c : w.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return Error::invalid("a window name uses only a-z and 0-9", field + ".name");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (options.windows[j].name == w.name) {
        return Error::invalid("window name '" + w.name + "' is used twice", field + ".name");
      }
    }
    if (w.granularity.count() <= 0 || w.length.count() <= 0) {
      return Error::invalid("window length and granularity must be positive", field);
    }
    if (w.length.count() % w.granularity.count() != 0) {
      return Error::invalid("window length must be a whole number of buckets", field);
    }
    if (w.length.count() / w.granularity.count() > kMaxBucketsPerWindow) {
      return Error::too_large(
          "a window has at most " + std::to_string(kMaxBucketsPerWindow) + " buckets", field);
    }
  }
  if (options.moving_average_k < 1 || options.moving_average_k > kMaxMovingAverageK) {
    return Error::invalid("moving_average_k is between 1 and " + std::to_string(kMaxMovingAverageK),
                          "moving_average_k");
  }
  if (options.allowed_lateness.count() < 0) {
    return Error::invalid("allowed_lateness cannot be negative", "allowed_lateness");
  }
  if (options.dedupe_capacity < 1 || options.dedupe_capacity > kMaxDedupeCapacity) {
    return Error::invalid("dedupe_capacity is between 1 and " + std::to_string(kMaxDedupeCapacity),
                          "dedupe_capacity");
  }
  if (!(options.gamma > 0) || !std::isfinite(options.gamma)) {
    return Error::invalid("gamma must be a positive number", "gamma");
  }
  if (options.min_history < 1) return Error::invalid("min_history is at least 1", "min_history");
  if (options.rate_bucket.count() <= 0) {
    return Error::invalid("rate_bucket must be positive", "rate_bucket");
  }
  if (!(options.rate_alpha > 0 && options.rate_alpha < 1)) {
    return Error::invalid("rate_alpha is in (0, 1)", "rate_alpha");
  }
  if (!(options.rate_min_sigma >= 0) || !std::isfinite(options.rate_min_sigma)) {
    return Error::invalid("rate_min_sigma must be >= 0", "rate_min_sigma");
  }
  if (options.rate_min_events < 1) {
    return Error::invalid("rate_min_events is at least 1", "rate_min_events");
  }
  if (!(options.value_min_sigma_fraction >= 0) ||
      !std::isfinite(options.value_min_sigma_fraction)) {
    return Error::invalid("value_min_sigma_fraction must be >= 0", "value_min_sigma_fraction");
  }
  return StreamConfig(std::move(options));
}

}  // namespace icrm::stream
