#include "decide/decision_context.h"

#include <algorithm>
#include <cmath>

namespace icrm::decide {

std::vector<double> design_vector(const DecisionContext& c) {
  std::vector<double> x;
  x.reserve(kDesignPrefix + c.features.size());
  double p = std::clamp(c.probability, 1e-6, 1 - 1e-6);
  x.push_back(std::log(p / (1 - p)));
  x.push_back(c.tier == Tier::kHigh ? 1 : 0);
  x.push_back(c.tier == Tier::kMedium ? 1 : 0);
  x.push_back(c.tier == Tier::kLow ? 1 : 0);
  x.insert(x.end(), c.features.begin(), c.features.end());
  return x;
}

}  // namespace icrm::decide
