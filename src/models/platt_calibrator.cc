#include "models/platt_calibrator.h"

#include <cmath>

#include "features/json_fields.h"

namespace icrm::models {

PlattCalibrator PlattCalibrator::fit(std::span<const double> score, std::span<const float> label) {
  double n_pos = 0, n_neg = 0;
  for (float l : label) (l > 0.5f ? n_pos : n_neg) += 1;
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);
  double a = 0, b = std::log((n_pos + 1) / (n_neg + 1));
  for (int iter = 0; iter < 100; ++iter) {
    double g_a = 0, g_b = 0, h_aa = 1e-12, h_ab = 0, h_bb = 1e-12;
    for (std::size_t i = 0; i < score.size(); ++i) {
      double p = 1 / (1 + std::exp(-(a * score[i] + b)));
      double t = label[i] > 0.5f ? t_pos : t_neg;
      double d = p - t, w = p * (1 - p);
      g_a += d * score[i];
      g_b += d;
      h_aa += w * score[i] * score[i];
      h_ab += w * score[i];
      h_bb += w;
    }
    double det = h_aa * h_bb - h_ab * h_ab;
    if (std::abs(det) < 1e-18) break;
    double da = (h_bb * g_a - h_ab * g_b) / det;
    double db = (h_aa * g_b - h_ab * g_a) / det;
    a -= da;
    b -= db;
    if (std::abs(da) < 1e-10 && std::abs(db) < 1e-10) break;
  }
  return PlattCalibrator(a, b);
}

double PlattCalibrator::apply(double score) const { return 1 / (1 + std::exp(-(a_ * score + b_))); }

Result<PlattCalibrator> PlattCalibrator::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "calibration");
  double a = f.num("a"), b = f.num("b");
  if (!f.ok()) return f.error();
  if (!std::isfinite(a) || !std::isfinite(b)) return Error::invalid("calibration: not finite");
  return PlattCalibrator(a, b);
}

}  // namespace icrm::models
