// GbdtModel: gradient-boosted trees (XGBoost, hist method, early stopping on a
// validation split). Contributions are XGBoost's exact tree SHAP values in
// log-odds. The booster is embedded in the model file as base64 UBJSON.
//
// The booster may read only some columns of the feature row (`columns`): the
// trainer leaves out the threshold and log1p features of numeric columns,
// which restate a value for linear models and only slow trees down. Scoring
// and contributions still take (and give) whole rows. A booster feature may
// also be a categorical column's whole one-hot block (`groups`), which the
// booster reads as one category code and splits by sets of categories
// (XGBoost's native categorical splits: one feature instead of one per level);
// its SHAP contribution is credited to the row's set column of the block.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/model.h"
#include "models/tree_forest.h"
#include "models/xgboost_booster.h"

namespace icrm::models {

inline constexpr std::size_t kXgboostBatchRows = 64;

class GbdtModel final : public Model {
 public:
  // `columns` (ascending, empty: all) are the row's features the trees read;
  // `groups` (empty, or one per column): where groups[i] > 1, the booster's
  // feature i is the one-hot block of groups[i] columns from columns[i], as a
  // category code.
  static Result<std::unique_ptr<GbdtModel>> train(const Dataset& train, const Dataset& valid,
                                                  const BoosterParams& params,
                                                  const Booster::Progress& progress = {},
                                                  std::vector<std::uint32_t> columns = {},
                                                  std::vector<std::uint32_t> groups = {});
  // The same, in steps: the data as the booster reads it (only `columns` of
  // each row), built once for several settings trained one after another.
  static Result<BoosterData> booster_data(const Dataset& train, const Dataset& valid,
                                          std::span<const std::uint32_t> columns,
                                          std::span<const std::uint32_t> groups = {});
  // `width`: the rows' whole width (`columns` empty: the data's).
  static Result<std::unique_ptr<GbdtModel>> train(const BoosterData& data,
                                                  const BoosterParams& params,
                                                  const Booster::Progress& progress,
                                                  std::vector<std::uint32_t> columns,
                                                  std::size_t width,
                                                  std::vector<std::uint32_t> groups = {});
  static Result<std::unique_ptr<GbdtModel>> from_json(const boost::json::value& json);

  // Flattens the booster's trees for fast scoring.
  // `width`: the whole row's width when `columns` is a subset of it.
  static Result<std::unique_ptr<GbdtModel>> create(Booster booster,
                                                   std::vector<std::uint32_t> columns = {},
                                                   std::size_t width = 0,
                                                   std::vector<std::uint32_t> groups = {});
  GbdtModel(Booster booster, TreeForest forest, std::vector<std::uint32_t> columns,
            std::size_t width, std::vector<std::uint32_t> groups);

  std::string_view kind() const override { return "gbdt"; }
  // Batches of kXgboostBatchRows or more go to XGBoost; fewer rows use the
  // flattened trees (same results, without XGBoost's per-call overhead).
  // score_checked() always asks XGBoost.
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return true; }
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "log-odds"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override {
    return columns_.empty() ? booster_.features() == cols : width_ == cols;
  }

  Status score_checked(const float* x, std::size_t rows, std::size_t cols, double* out) const;
  const Booster& booster() const { return booster_; }

 private:
  // The rows as the booster reads them (only `columns_`); x itself when it reads all.
  const float* booster_rows(const float* x, std::size_t rows, std::size_t cols,
                            std::vector<float>& buffer) const;

  Booster booster_;
  TreeForest forest_;
  std::vector<std::uint32_t> columns_;
  std::size_t width_ = 0;
  std::vector<std::uint32_t> groups_;  // empty: no category blocks
  std::vector<std::uint8_t>
      categorical_;  // per booster feature: 1 for a category block (empty: none)
};

}  // namespace icrm::models
