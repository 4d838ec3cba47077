// GbdtModel: gradient-boosted trees (XGBoost, hist method, early stopping on a
// validation split). Contributions are XGBoost's exact tree SHAP values in
// log-odds. The booster is embedded in the model file as base64 UBJSON.
#pragma once

#include <memory>

#include "models/model.h"
#include "models/tree_forest.h"
#include "models/xgboost_booster.h"

namespace icrm::models {

inline constexpr std::size_t kXgboostBatchRows = 64;

class GbdtModel final : public Model {
 public:
  static Result<std::unique_ptr<GbdtModel>> train(const Dataset& train, const Dataset& valid,
                                                  const BoosterParams& params,
                                                  const Booster::Progress& progress = {});
  static Result<std::unique_ptr<GbdtModel>> from_json(const boost::json::value& json);

  // Flattens the booster's trees for fast scoring.
  static Result<std::unique_ptr<GbdtModel>> create(Booster booster);
  GbdtModel(Booster booster, TreeForest forest) : booster_(std::move(booster)), forest_(std::move(forest)) {}

  std::string_view kind() const override { return "gbdt"; }
  // Batches of kXgboostBatchRows or more go to XGBoost; fewer rows use the
  // flattened trees (same results, without XGBoost's per-call overhead).
  // score_checked() always asks XGBoost.
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return true; }
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "log-odds"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override { return booster_.features() == cols; }

  Status score_checked(const float* x, std::size_t rows, std::size_t cols, double* out) const;
  const Booster& booster() const { return booster_; }

 private:
  Booster booster_;
  TreeForest forest_;
};

}  // namespace icrm::models
