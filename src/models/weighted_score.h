// WeightedScore: the interpretable score S(L) = Σ wᵢxᵢ (paper eq. 13). The
// weights come from an expert's config file ({"weights": {"feature": w}},
// feature names as `insightcrm train` lists them) or are learned as each
// feature's correlation with the outcome on the training rows. score() maps S
// onto [0, 1] by the training rows' 1st and 99th percentiles.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace icrm::models {

class WeightedScore final : public Model {
 public:
  // Learns weights from the training rows.
  static std::unique_ptr<WeightedScore> learn(const Dataset& data);
  // Takes weights from an expert's JSON config; unknown feature names are an error.
  static Result<std::unique_ptr<WeightedScore>> from_config(
      const boost::json::value& config, const std::vector<std::string>& feature_names,
      const Dataset& data);
  static Result<std::unique_ptr<WeightedScore>> from_json(const boost::json::value& json);

  WeightedScore(std::vector<double> weights, double lo, double hi, bool expert)
      : weights_(std::move(weights)), lo_(lo), hi_(hi), expert_(expert) {}

  std::string_view kind() const override { return "weighted"; }
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return false; }
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "points"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override { return weights_.size() == cols; }

  // S(L) itself, before mapping onto [0, 1].
  double raw(const float* row) const;
  double span() const { return hi_ - lo_; }
  const std::vector<double>& weights() const { return weights_; }

 private:
  // Sets lo_/hi_ from the training rows.
  void fit_range(const Dataset& data);

  std::vector<double> weights_;
  double lo_ = 0, hi_ = 1;
  bool expert_ = false;
};

}  // namespace icrm::models
