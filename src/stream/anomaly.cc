#include "stream/anomaly.h"

#include <cmath>

namespace icrm::stream {

std::string_view anomaly_kind_name(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kEntityBurst:
      return "entity_burst";
    case AnomalyKind::kEntityValue:
      return "entity_value";
    case AnomalyKind::kStreamSpike:
      return "stream_spike";
    case AnomalyKind::kStreamCollapse:
      return "stream_collapse";
  }
  return "unknown";
}

double WelfordStats::sigma() const { return std::sqrt(variance()); }

void EwmaStats::add(double x, double alpha) {
  if (n == 0) {
    mean = x;
    var = 0;
  } else {
    double d = x - mean;
    mean += alpha * d;
    var = (1 - alpha) * (var + alpha * d * d);
  }
  ++n;
}

void EwmaStats::add_zeros(int64_t g, double alpha) {
  if (g <= 0) return;
  if (n == 0) {
    // The first observation sets mu = 0, var = 0; the rest leave them there.
    n = g;
    mean = 0;
    var = 0;
    return;
  }
  double rg = std::pow(1 - alpha, static_cast<double>(g));
  var = rg * (var + mean * mean * (1 - rg));
  mean = rg * mean;
  n += g;
}

double EwmaStats::sigma() const { return std::sqrt(var > 0 ? var : 0.0); }

}  // namespace icrm::stream
