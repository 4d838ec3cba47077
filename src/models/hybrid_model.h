// HybridModel: the hybrid rank R(L) = α·S(L) + (1−α)·P(y=1|x) (paper eq. 17),
// mixing the interpretable weighted score (mapped onto [0, 1]) with the
// logistic regression's probability. α is given, or chosen on validation rows
// by ROC-AUC over 0, 0.1, ..., 1.
#pragma once

#include <memory>

#include "models/logistic_regression.h"
#include "models/weighted_score.h"

namespace icrm::models {

class HybridModel final : public Model {
 public:
  // alpha < 0: choose on `valid`.
  static std::unique_ptr<HybridModel> combine(std::unique_ptr<WeightedScore> weighted,
                                              std::unique_ptr<LogisticRegression> lr, double alpha,
                                              const Dataset& valid);
  static Result<std::unique_ptr<HybridModel>> from_json(const boost::json::value& json);

  HybridModel(std::unique_ptr<WeightedScore> weighted, std::unique_ptr<LogisticRegression> lr,
              double alpha)
      : weighted_(std::move(weighted)), lr_(std::move(lr)), alpha_(alpha) {}

  std::string_view kind() const override { return "hybrid"; }
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return false; }
  // α·wᵢxᵢ/range + (1−α)·p(1−p)·βᵢxᵢ: the weighted score's share exactly, the
  // regression's linearised around this row's probability.
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "rank"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override { return lr_->fits_width(cols); }

  double alpha() const { return alpha_; }

 private:
  std::unique_ptr<WeightedScore> weighted_;
  std::unique_ptr<LogisticRegression> lr_;
  double alpha_;
};

}  // namespace icrm::models
