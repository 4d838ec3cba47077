#include "models/weighted_score.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "features/json_fields.h"

namespace icrm::models {

std::unique_ptr<WeightedScore> WeightedScore::learn(const Dataset& data) {
  const auto& x = *data.x;
  const std::size_t n = x.rows, d = x.cols;
  // Pearson correlation of each feature with the label.
  std::vector<double> sx(d, 0), sxx(d, 0), sxy(d, 0);
  double sy = 0, syy = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = x.row(r);
    const double y = data.y[r];
    sy += y;
    syy += y * y;
    for (std::size_t j = 0; j < d; ++j) {
      sx[j] += row[j];
      sxx[j] += double(row[j]) * row[j];
      sxy[j] += row[j] * y;
    }
  }
  std::vector<double> w(d, 0);
  const double dn = static_cast<double>(n);
  const double var_y = syy / dn - (sy / dn) * (sy / dn);
  for (std::size_t j = 0; j < d; ++j) {
    double var_x = sxx[j] / dn - (sx[j] / dn) * (sx[j] / dn);
    double cov = sxy[j] / dn - (sx[j] / dn) * (sy / dn);
    if (var_x > 1e-12 && var_y > 1e-12) w[j] = cov / std::sqrt(var_x * var_y);
  }
  auto model = std::make_unique<WeightedScore>(std::move(w), 0, 1, false);
  model->fit_range(data);
  return model;
}

Result<std::unique_ptr<WeightedScore>> WeightedScore::from_config(
    const boost::json::value& config, const std::vector<std::string>& feature_names,
    const Dataset& data) {
  features::JsonFields f(config, "weights config");
  const auto& weights = f.obj("weights");
  if (!f.ok()) return f.error();
  std::vector<double> w(feature_names.size(), 0);
  std::vector<std::string> unknown;
  for (const auto& [key, value] : weights) {
    auto it = std::find(feature_names.begin(), feature_names.end(), std::string_view(key));
    if (it == feature_names.end()) {
      unknown.emplace_back(key);
      continue;
    }
    if (!value.is_number())
      return Error::invalid(
          fmt::format("weights config: \"{}\" is not a number", std::string_view(key)));
    w[static_cast<std::size_t>(it - feature_names.begin())] = value.to_number<double>();
  }
  if (!unknown.empty())
    return Error::invalid(
        fmt::format("weights config names features the data does not have: {} "
                    "(features are named like \"age\" or \"job=admin.\")",
                    fmt::join(unknown, ", ")));
  auto model = std::make_unique<WeightedScore>(std::move(w), 0, 1, true);
  model->fit_range(data);
  return model;
}

void WeightedScore::fit_range(const Dataset& data) {
  std::vector<double> s(data.x->rows);
  for (std::size_t r = 0; r < s.size(); ++r) s[r] = raw(data.x->row(r));
  if (s.empty()) return;
  std::sort(s.begin(), s.end());
  lo_ = s[s.size() / 100];
  hi_ = s[s.size() - 1 - s.size() / 100];
  if (hi_ - lo_ < 1e-12) hi_ = lo_ + 1;
}

double WeightedScore::raw(const float* row) const {
  double s = 0;
  for (std::size_t j = 0; j < weights_.size(); ++j) s += weights_[j] * row[j];
  return s;
}

void WeightedScore::score(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  for (std::size_t r = 0; r < rows; ++r)
    out[r] = std::clamp((raw(x + r * cols) - lo_) / (hi_ - lo_), 0.0, 1.0);
}

void WeightedScore::contributions(const float* row, std::size_t cols, std::span<double> out) const {
  for (std::size_t j = 0; j < cols; ++j) out[j] = weights_[j] * row[j];
  out[cols] = 0;
}

boost::json::object WeightedScore::to_json() const {
  return {{"kind", "weighted"},
          {"lo", lo_},
          {"hi", hi_},
          {"expert", expert_},
          {"weights", boost::json::array(weights_.begin(), weights_.end())}};
}

Result<std::unique_ptr<WeightedScore>> WeightedScore::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model weighted");
  auto w = f.nums("weights");
  double lo = f.num("lo"), hi = f.num("hi");
  bool expert = f.boolean("expert");
  if (!f.ok()) return f.error();
  if (!(hi > lo)) return Error::invalid("model weighted: empty score range");
  return std::make_unique<WeightedScore>(std::move(w), lo, hi, expert);
}

}  // namespace icrm::models
