// LogisticRegression: P(y=1|x) = 1 / (1 + exp(-(β₀ + Σ βᵢxᵢ))) with an L2
// penalty (paper eq. 14–16), trained by liblinear; the penalty's C is picked by
// stratified k-fold cross-validation on ROC-AUC. liblinear is confined to the
// .cc file; its failures come back as Error.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/model.h"

namespace icrm::models {

struct LogisticRegressionOptions {
  // Three Cs: 0.003 added nothing on validation folds (bench/README.md
  // "model_selection", fifth round) and cost three of the twelve fits.
  std::vector<double> c_grid = {0.03, 0.3, 3};
  // Two folds: as good as three (and five) on validation folds of bank
  // marketing and telco (bench/README.md "model_selection", sixth round), six
  // fits on half the rows instead of nine on two thirds.
  std::size_t folds = 2;
  double c = 0;  // > 0: use this C and skip cross-validation
  // With c > 0: weights then bias of a nearby solution (the same C on fewer
  // rows) to warm-start from; empty: start at the base rate.
  std::vector<double> start;
  std::uint64_t seed = 42;
  // Walk the cross-validation folds on threads of their own (the chosen C
  // and the weights are the same either way).
  bool parallel = false;
};

class LogisticRegression final : public Model {
 public:
  static Result<std::unique_ptr<LogisticRegression>> train(
      const Dataset& data, const LogisticRegressionOptions& options);
  static Result<std::unique_ptr<LogisticRegression>> from_json(const boost::json::value& json);

  LogisticRegression(std::vector<double> weights, double bias, double c)
      : weights_(std::move(weights)), bias_(bias), c_(c) {}

  std::string_view kind() const override { return "lr"; }
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return true; }
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "log-odds"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override { return weights_.size() == cols; }

  const std::vector<double>& weights() const { return weights_; }
  double bias() const { return bias_; }
  double c() const { return c_; }
  // The log-odds β₀ + Σ βᵢxᵢ of one row.
  double margin(const float* row) const;

 private:
  std::vector<double> weights_;
  double bias_;
  double c_;
};

}  // namespace icrm::models
