#include "stream/stream_monitor.h"

#include <algorithm>
#include <cmath>

#include "stream/entity_state.h"

namespace icrm::stream {

Result<StreamMonitor> StreamMonitor::create(MonitorOptions options) {
  if (options.bucket.count() <= 0) return Error::invalid("bucket must be positive", "bucket");
  if (!(options.gamma > 0) || !std::isfinite(options.gamma)) {
    return Error::invalid("gamma must be a positive number", "gamma");
  }
  if (options.min_history < 1) return Error::invalid("min_history is at least 1", "min_history");
  if (!(options.alpha > 0 && options.alpha < 1))
    return Error::invalid("alpha is in (0, 1)", "alpha");
  if (!(options.min_sigma >= 0) || !std::isfinite(options.min_sigma)) {
    return Error::invalid("min_sigma must be >= 0", "min_sigma");
  }
  return StreamMonitor(options);
}

double StreamMonitor::sigma() const { return std::max(baseline_.sigma(), options_.min_sigma); }

Timestamp StreamMonitor::bucket_end(int64_t bucket) const {
  return from_unix_micros((bucket + 1) * options_.bucket.count());
}

void StreamMonitor::record(Timestamp now, std::vector<Anomaly>& out) {
  advance_to(floor_div(to_unix_micros(now), options_.bucket.count()), out);
  ++count_;
  if (!spike_fired_ && baseline_.n >= options_.min_history) {
    double seen = static_cast<double>(count_);
    if (seen > baseline_.mean && deviates(seen, baseline_.mean, sigma(), options_.gamma)) {
      out.push_back(Anomaly{AnomalyKind::kStreamSpike, {}, {}, baseline_.mean, seen, sigma(), now});
      spike_fired_ = true;
    }
  }
}

void StreamMonitor::tick(Timestamp now, std::vector<Anomaly>& out) {
  advance_to(floor_div(to_unix_micros(now), options_.bucket.count()), out);
}

void StreamMonitor::advance_to(int64_t bucket, std::vector<Anomaly>& out) {
  if (bucket_ == INT64_MIN) {
    bucket_ = bucket;
    return;
  }
  if (bucket <= bucket_) return;  // the clock went back or stood still
  close_bucket(bucket_, count_, out);
  int64_t empty = bucket - bucket_ - 1;
  int64_t one_by_one = std::min(empty, kMaxMonitorCatchUpBuckets);
  for (int64_t i = 1; i <= one_by_one; ++i) close_bucket(bucket_ + i, 0, out);
  baseline_.add_zeros(empty - one_by_one, options_.alpha);
  bucket_ = bucket;
  count_ = 0;
  spike_fired_ = false;
}

void StreamMonitor::close_bucket(int64_t bucket, int64_t count, std::vector<Anomaly>& out) {
  const double seen = static_cast<double>(count);
  if (baseline_.n >= options_.min_history) {
    const double mu = baseline_.mean;
    const double s = sigma();
    if (seen < mu && deviates(seen, mu, s, options_.gamma)) {
      if (!collapsed_) {
        out.push_back(
            Anomaly{AnomalyKind::kStreamCollapse, {}, {}, mu, seen, s, bucket_end(bucket)});
        collapsed_ = true;
      }
    } else {
      collapsed_ = false;
      if (!spike_fired_ && seen > mu && deviates(seen, mu, s, options_.gamma)) {
        out.push_back(Anomaly{AnomalyKind::kStreamSpike, {}, {}, mu, seen, s, bucket_end(bucket)});
      }
    }
  }
  spike_fired_ = false;
  baseline_.add(seen, options_.alpha);
}

}  // namespace icrm::stream
