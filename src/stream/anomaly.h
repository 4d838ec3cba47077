// Anomalies: the record the stream raises when the paper's rule
// |x_t - mu_t| > gamma * sigma_t (eq. 19) fires, and the two running
// estimators behind mu and sigma.
//
// Why two estimators. Event *values* (a purchase amount, a call's seconds) use
// Welford's algorithm: an exact, numerically stable mean and deviation of all
// values seen, which is also what the mean_/std_ features report and what a
// brute-force recomputation checks. Event *rates* (events per entity and type
// per rate bucket) use an EWMA: a rate baseline must forget (a lead that warmed
// up last quarter is not "anomalous" forever), and a run of g empty buckets
// folds in O(1) by a closed form, where Welford over all buckets would
// weigh a year-old quiet spell as much as yesterday. Both are deterministic, so
// replaying the same events in the same order rebuilds identical state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "ingest/event_type.h"

namespace icrm::stream {

enum class AnomalyKind {
  kEntityBurst,     // an entity's events of a type per rate bucket far above its baseline
  kEntityValue,     // one event's value far from the entity's running mean for the type
  kStreamSpike,     // the whole stream's events per minute far above baseline
  kStreamCollapse,  // ... far below (traffic collapse)
};
std::string_view anomaly_kind_name(AnomalyKind kind);

struct Anomaly {
  AnomalyKind kind = AnomalyKind::kEntityBurst;
  std::string entity;                       // empty for whole-stream anomalies
  std::optional<ingest::EventTypeId> type;  // empty for whole-stream anomalies
  double expected = 0;                      // mu
  double seen = 0;                          // x
  double sigma = 0;                         // the sigma the rule used (after its floor)
  Timestamp at{};
};

// The rule itself: |x - mu| > gamma * sigma.
inline bool deviates(double x, double mu, double sigma, double gamma) {
  double d = x - mu;
  if (d < 0) d = -d;
  return d > gamma * sigma;
}

// Welford's running mean and population variance.
struct WelfordStats {
  int64_t n = 0;
  double mean = 0;
  double m2 = 0;

  void add(double x) {
    ++n;
    double delta = x - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (x - mean);
  }
  double variance() const { return n > 0 ? m2 / static_cast<double>(n) : 0.0; }
  double sigma() const;
  bool operator==(const WelfordStats&) const = default;
};

// Exponentially weighted mean and variance (West 1979 / Finch 2009 form):
//   d = x - mu;  mu += alpha d;  var = (1 - alpha)(var + alpha d^2).
struct EwmaStats {
  int64_t n = 0;  // observations folded in, for the minimum-history check
  double mean = 0;
  double var = 0;

  void add(double x, double alpha);
  // Folds `g` observations of 0 at once: with r = 1 - alpha,
  //   mu_g = r^g mu,  var_g = r^g (var + mu^2 (1 - r^g)),
  // which is the recurrence above applied g times (proof by induction).
  void add_zeros(int64_t g, double alpha);
  double sigma() const;
  bool operator==(const EwmaStats&) const = default;
};

}  // namespace icrm::stream
