// Explanations: the top factors behind one row's score, in words a sales rep
// reads ("poutcome=success +0.84"). A model's per-feature contributions (β·x
// for linear models, SHAP values for trees) are summed per source column, so
// the one-hot features of "job" read as one factor "job=admin.".
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/feature_spec.h"
#include "models/model.h"

namespace icrm::models {

inline constexpr std::size_t kDefaultTopFactors = 3;

struct Factor {
  std::string column;
  std::string value;        // the row's value, as text
  double contribution = 0;  // in the model's contribution unit
  // "poutcome=success +0.84"
  std::string text() const;
  // "poutcome is success, which raises the score (+0.84 log-odds)", for people
  // who do not read feature notation; `unit` is the model's contribution unit.
  std::string words(std::string_view unit) const;
};

// `cells[i]` is the row's cell for spec column i; `x` its encoded features.
std::vector<Factor> explain(const Model& model, const features::FeatureSpec& spec,
                            std::span<const std::string_view> cells, std::span<const float> x,
                            std::size_t top = kDefaultTopFactors);

}  // namespace icrm::models
