// GbdtModel: gradient-boosted trees (XGBoost, hist method, early stopping on a
// validation split). Contributions are XGBoost's exact tree SHAP values in
// log-odds. The booster is embedded in the model file as base64 UBJSON.
#pragma once

#include <memory>

#include "models/model.h"
#include "models/xgboost_booster.h"

namespace icrm::models {

class GbdtModel final : public Model {
 public:
  static Result<std::unique_ptr<GbdtModel>> train(const Dataset& train, const Dataset& valid,
                                                  const BoosterParams& params,
                                                  const Booster::Progress& progress = {});
  static Result<std::unique_ptr<GbdtModel>> from_json(const boost::json::value& json);

  explicit GbdtModel(Booster booster) : booster_(std::move(booster)) {}

  std::string_view kind() const override { return "gbdt"; }
  // Rows that XGBoost fails on (it should not) score 0; see score_checked().
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
};

}  // namespace icrm::models
