#include "models/hybrid_model.h"

#include <cmath>

#include "features/json_fields.h"
#include "models/metrics.h"

namespace icrm::models {

std::unique_ptr<HybridModel> HybridModel::combine(std::unique_ptr<WeightedScore> weighted,
                                                  std::unique_ptr<LogisticRegression> lr,
                                                  double alpha, const Dataset& valid) {
  auto model = std::make_unique<HybridModel>(std::move(weighted), std::move(lr), 0.0);
  if (alpha >= 0) {
    model->alpha_ = std::min(alpha, 1.0);
    return model;
  }
  const auto& x = *valid.x;
  std::vector<double> s(x.rows), p(x.rows), r(x.rows);
  model->weighted_->score(x.data.data(), x.rows, x.cols, s.data());
  model->lr_->score(x.data.data(), x.rows, x.cols, p.data());
  double best_auc = -1, best_alpha = 0;
  for (int k = 0; k <= 10; ++k) {
    double a = k / 10.0;
    for (std::size_t i = 0; i < x.rows; ++i) r[i] = a * s[i] + (1 - a) * p[i];
    double auc = roc_auc(r, valid.y);
    if (auc > best_auc + 1e-6) {
      best_auc = auc;
      best_alpha = a;
    }
  }
  model->alpha_ = best_alpha;
  return model;
}

void HybridModel::score(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  std::vector<double> p(rows);
  weighted_->score(x, rows, cols, out);
  lr_->score(x, rows, cols, p.data());
  for (std::size_t i = 0; i < rows; ++i) out[i] = alpha_ * out[i] + (1 - alpha_) * p[i];
}

void HybridModel::contributions(const float* row, std::size_t cols, std::span<double> out) const {
  double p = 0;
  lr_->score(row, 1, cols, &p);
  const double lin = p * (1 - p);
  const auto& w = weighted_->weights();
  const auto& b = lr_->weights();
  for (std::size_t j = 0; j < cols; ++j)
    out[j] = alpha_ * w[j] * row[j] / weighted_->span() + (1 - alpha_) * lin * b[j] * row[j];
  out[cols] = 0;
}

boost::json::object HybridModel::to_json() const {
  return {{"kind", "hybrid"},
          {"alpha", alpha_},
          {"weighted", weighted_->to_json()},
          {"lr", lr_->to_json()}};
}

Result<std::unique_ptr<HybridModel>> HybridModel::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model hybrid");
  double alpha = f.num("alpha");
  const auto& w = f.obj("weighted");
  const auto& l = f.obj("lr");
  if (!f.ok()) return f.error();
  auto weighted = WeightedScore::from_json(w);
  if (!weighted) return weighted.error();
  auto lr = LogisticRegression::from_json(l);
  if (!lr) return lr.error();
  if (!(alpha >= 0 && alpha <= 1)) return Error::invalid("model hybrid: alpha outside [0, 1]");
  if ((*weighted)->weights().size() != (*lr)->weights().size())
    return Error::invalid("model hybrid: its parts have different widths");
  return std::make_unique<HybridModel>(std::move(*weighted), std::move(*lr), alpha);
}

}  // namespace icrm::models
