// Model: the one interface every scorer implements — logistic regression,
// boosted trees, the weighted score, the hybrid rank and the rule baseline —
// so training, evaluation, explanations and the model file treat them alike.
//
// A trained model is immutable; score() and contributions() are const and
// safe to call from several threads at once.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "features/feature_spec.h"

namespace icrm::models {

// Training rows: features and 0/1 labels.
struct Dataset {
  const features::Matrix* x = nullptr;
  std::span<const float> y;
};

class Model {
 public:
  virtual ~Model() = default;

  // "lr", "gbdt", "weighted", "hybrid", "rule".
  virtual std::string_view kind() const = 0;

  // A score in [0, 1] per row of `x` (row-major, `cols` wide); higher means
  // more likely positive. For "lr" and "gbdt" it is the probability itself.
  virtual void score(const float* x, std::size_t rows, std::size_t cols, double* out) const = 0;

  // Whether score() is already a probability (otherwise it is calibrated).
  virtual bool scores_are_probabilities() const = 0;

  // Additive contribution of each feature to this row's score, in the model's
  // own units (log-odds for lr and gbdt, points for weighted and rule);
  // out.size() == cols + 1, the last entry is the bias.
  virtual void contributions(const float* row, std::size_t cols, std::span<double> out) const = 0;

  // The unit contributions are in, for explanations ("log-odds", "points").
  virtual std::string_view contribution_unit() const = 0;

  virtual boost::json::object to_json() const = 0;

  // Whether the model reads rows `cols` wide (a check on loaded files).
  virtual bool fits_width(std::size_t cols) const = 0;
};

// Builds a model from its to_json() form (dispatching on "kind").
Result<std::unique_ptr<Model>> model_from_json(const boost::json::value& json);

}  // namespace icrm::models
