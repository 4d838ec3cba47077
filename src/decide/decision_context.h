// DecisionContext: what a policy knows about a lead when it decides — the
// score model's probability, the tier, the deal's value, and the lead's own
// features (source, size, engagement), in a fixed order per deployment.
#pragma once

#include <array>
#include <vector>

#include "decide/tier.h"

namespace icrm::decide {

struct DecisionContext {
  double probability = 0;  // P(y=1|x) from the active scoring model
  Tier tier = Tier::kLow;
  double value = 0;  // V: the lead's expected deal value
  std::vector<double>
      features;  // the lead's features, same length for every decision of one policy
};

// The bandit's design vector: [logit P, high, medium, low, features...].
// The three tier indicators act as one intercept per tier, which is where
// the Table VI prior sits. P is clamped to [1e-6, 1 - 1e-6].
std::vector<double> design_vector(const DecisionContext& c);
inline constexpr std::size_t kDesignPrefix = 4;
inline constexpr std::array<const char*, kDesignPrefix> kDesignNames = {"logit_p", "tier_high",
                                                                        "tier_medium", "tier_low"};

}  // namespace icrm::decide
