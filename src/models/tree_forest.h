// TreeForest: the trees of a trained XGBoost model flattened into arrays, for
// scoring without XGBoost's per-call overhead (a single live row in about a
// microsecond). Built from the model's JSON dump; tested to give the same
// probabilities as XGBoost. Immutable, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace icrm::models {

class TreeForest {
 public:
  // Parses XGBoost's JSON model ("binary:logistic", gbtree).
  // Every split must read a feature below `features`. With `columns`, the
  // booster read a subset of the row: its feature i is the row's columns[i].
  // With `groups` (one per column, or empty), where groups[i] > 1 feature i
  // is the one-hot block of groups[i] row columns from columns[i], read as a
  // category code (the position of its 1; missing when none is set) and
  // split by category sets (XGBoost's native categorical splits).
  static Result<TreeForest> from_xgboost_json(std::string_view json, std::size_t features,
                                              std::span<const std::uint32_t> columns = {},
                                              std::span<const std::uint32_t> groups = {});

  // P(y=1|x) for one row (NaN = missing).
  double predict(const float* row) const;
  std::size_t trees() const { return roots_.size(); }

 private:
  struct Node {
    std::int32_t left;  // -1: leaf
    std::int32_t right;
    std::uint32_t feature;
    float value;        // split threshold (go left when x < value), or the leaf value
    bool default_left;  // where a missing value goes
    // A category split: the one-hot block of `block` columns from `feature`;
    // go right when its set column is in the set (in_set_[set + position]).
    std::uint32_t block = 0;
    std::uint32_t set = 0;
  };
  std::vector<Node> nodes_;
  std::vector<std::uint8_t> in_set_;
  std::vector<std::int32_t> roots_;
  double base_margin_ = 0;
};

}  // namespace icrm::models
