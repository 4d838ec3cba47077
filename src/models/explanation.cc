#include "models/explanation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace icrm::models {

std::string Factor::text() const {
  return fmt::format("{}={} {:+.2f}", column, value, contribution);
}

std::string Factor::words(std::string_view unit) const {
  return fmt::format("{} is {}, which {} the score ({:+.2f} {})", column, value,
                     contribution >= 0 ? "raises" : "lowers", contribution, unit);
}

std::vector<Factor> explain(const Model& model, const features::FeatureSpec& spec,
                            std::span<const std::string_view> cells, std::span<const float> x,
                            std::size_t top) {
  const std::size_t d = spec.width();
  std::vector<double> contrib(d + 1, 0.0);
  model.contributions(x.data(), d, contrib);
  std::vector<Factor> factors;
  if (spec.has_pca()) {
    for (std::size_t j = 0; j < d; ++j)
      factors.push_back({spec.feature_names()[j], fmt::format("{:.2f}", x[j]), contrib[j]});
  } else {
    const auto& cols = spec.columns();
    factors.resize(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      factors[c].column = cols[c].name;
      factors[c].value = features::describe_cell(cols[c], cells[c]);
    }
    for (std::size_t j = 0; j < d; ++j)
      factors[spec.column_of_feature(j)].contribution += contrib[j];
  }
  std::stable_sort(factors.begin(), factors.end(), [](const Factor& a, const Factor& b) {
    return std::abs(a.contribution) > std::abs(b.contribution);
  });
  while (!factors.empty() && factors.back().contribution == 0) factors.pop_back();
  if (factors.size() > top) factors.resize(top);
  return factors;
}

}  // namespace icrm::models
