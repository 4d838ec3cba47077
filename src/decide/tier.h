// Priority tiers D(L) (paper eq. 21): High if S(L) > θ, Medium if
// θ₁ < S(L) ≤ θ, Low otherwise, on the lead's hybrid rank S in [0, 1].
// θ and θ₁ are set by an admin, or chosen from the team's capacity or to
// maximise expected utility (eq. 22) under the Table VI response prior.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "decide/utility.h"

namespace icrm::decide {

enum class Tier { kHigh = 0, kMedium = 1, kLow = 2 };
std::string_view tier_name(Tier t);  // high | medium | low
std::optional<Tier> parse_tier(std::string_view name);

struct TierThresholds {
  double theta = 0.7;   // θ: above it, High
  double theta1 = 0.4;  // θ₁: above it (and not above θ), Medium
};
// 0 <= θ₁ <= θ <= 1, both finite; errors name "theta" or "theta1".
Status validate(const TierThresholds& t);

struct TierAssignment {
  Tier tier;
  std::string reason;  // the numbers and the rule, e.g. "S=0.8123 > θ=0.7000"
};
// REQUIRES: validate(t) is ok.
Tier tier_of(double score, const TierThresholds& t);
TierAssignment assign_tier(double score, const TierThresholds& t);

// Thresholds for a team that can give `high_capacity` leads a call and
// `medium_capacity` more a follow-up in the period `scores` came from: θ is
// the (high_capacity+1)-th highest score, so at most high_capacity leads are
// strictly above it (ties at θ stay Medium), and θ₁ likewise for the next
// medium_capacity. With fewer leads than the capacity, θ (or θ₁) is 0 and
// every lead above 0 qualifies. Errors: an empty `scores`.
Result<TierThresholds> thresholds_for_capacity(std::span<const double> scores,
                                               std::size_t high_capacity,
                                               std::size_t medium_capacity);

// Thresholds that maximise the summed expected utility of the leads when each
// tier gets its Table VI action (High call, Medium email, Low nurture) and an
// action lifts the odds of its own tier's leads by the prior's `lift`:
// U(L, tier) = σ(logit S + lift)·V − C(action of tier). `scores` and `values`
// are aligned (one V per lead). Exact over all cut points, O(n log n).
Result<TierThresholds> thresholds_for_utility(std::span<const double> scores,
                                              std::span<const double> values,
                                              const ActionCosts& costs, double lift);

}  // namespace icrm::decide
