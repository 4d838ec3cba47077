// StreamMonitor: the anomaly rule (paper eq. 19) applied to the whole
// stream's arrival rate — events per bucket (default a minute) of the
// injected clock's time — to flag a spike or a collapse of traffic. A
// collapse shows as buckets that close with (almost) nothing in them, so the
// owner calls tick() on a timer; a spike is flagged as soon as the running
// bucket's count crosses the band. The baseline is an EWMA (see anomaly.h for
// why), fed with each closed bucket. Not thread-safe; allocation-free except
// for the Anomaly records it appends.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "stream/anomaly.h"
#include "stream/stream_config.h"

namespace icrm::stream {

struct MonitorOptions {
  Micros bucket = std::chrono::minutes(1);
  double gamma = 3.0;
  int min_history = 30;  // closed buckets before the rule may fire
  double alpha = 0.1;
  double min_sigma = 1.0;
};

// Catching up after a long silence evaluates at most this many empty buckets
// one by one; the rest are folded into the baseline at once.
inline constexpr int64_t kMaxMonitorCatchUpBuckets = 1440;

class StreamMonitor {
 public:
  static Result<StreamMonitor> create(MonitorOptions options);

  // One event arrived at `now` (the clock's time, not the event's).
  void record(Timestamp now, std::vector<Anomaly>& out);
  // Closes the buckets that ended by `now` and evaluates them.
  void tick(Timestamp now, std::vector<Anomaly>& out);

  const EwmaStats& baseline() const { return baseline_; }
  int64_t current_count() const { return count_; }

 private:
  explicit StreamMonitor(MonitorOptions options) : options_(options) {}
  void advance_to(int64_t bucket, std::vector<Anomaly>& out);
  void close_bucket(int64_t bucket, int64_t count, std::vector<Anomaly>& out);
  double sigma() const;
  Timestamp bucket_end(int64_t bucket) const;

  MonitorOptions options_;
  int64_t bucket_ = INT64_MIN;  // the running bucket, INT64_MIN before the first call
  int64_t count_ = 0;
  bool spike_fired_ = false;  // in the running bucket
  bool collapsed_ = false;    // a collapse was flagged and traffic has not come back
  EwmaStats baseline_;
};

}  // namespace icrm::stream
