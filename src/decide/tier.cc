#include "decide/tier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace icrm::decide {

std::string_view tier_name(Tier t) {
  switch (t) {
    case Tier::kHigh:
      return "high";
    case Tier::kMedium:
      return "medium";
    case Tier::kLow:
      return "low";
  }
  return "?";
}

std::optional<Tier> parse_tier(std::string_view name) {
  for (Tier t : {Tier::kHigh, Tier::kMedium, Tier::kLow})
    if (tier_name(t) == name) return t;
  return std::nullopt;
}

Status validate(const TierThresholds& t) {
  if (!std::isfinite(t.theta) || t.theta < 0 || t.theta > 1)
    return Error::invalid("θ must be a number from 0 to 1", "theta");
  if (!std::isfinite(t.theta1) || t.theta1 < 0 || t.theta1 > 1)
    return Error::invalid("θ₁ must be a number from 0 to 1", "theta1");
  if (t.theta1 > t.theta) return Error::invalid("θ₁ must not be above θ", "theta1");
  return {};
}

Tier tier_of(double score, const TierThresholds& t) {
  if (score > t.theta) return Tier::kHigh;
  if (score > t.theta1) return Tier::kMedium;
  return Tier::kLow;
}

TierAssignment assign_tier(double score, const TierThresholds& t) {
  Tier tier = tier_of(score, t);
  switch (tier) {
    case Tier::kHigh:
      return {tier, fmt::format("S={:.4f} > θ={:.4f}: high", score, t.theta)};
    case Tier::kMedium:
      return {tier,
              fmt::format("θ₁={:.4f} < S={:.4f} ≤ θ={:.4f}: medium", t.theta1, score, t.theta)};
    case Tier::kLow:
      break;
  }
  return {tier, fmt::format("S={:.4f} ≤ θ₁={:.4f}: low", score, t.theta1)};
}

namespace {

std::vector<double> sorted_descending(std::span<const double> scores) {
  std::vector<double> s(scores.begin(), scores.end());
  std::sort(s.begin(), s.end(), std::greater<>());
  return s;
}

Status check_scores(std::span<const double> scores) {
  if (scores.empty()) return Error::invalid("no scores to choose thresholds from", "scores");
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i]) || scores[i] < 0 || scores[i] > 1)
      return Error::invalid("a score must be a number from 0 to 1", fmt::format("scores[{}]", i));
  return {};
}

}  // namespace

Result<TierThresholds> thresholds_for_capacity(std::span<const double> scores,
                                               std::size_t high_capacity,
                                               std::size_t medium_capacity) {
  if (Status st = check_scores(scores); !st) return st.error();
  std::vector<double> s = sorted_descending(scores);
  auto nth = [&](std::size_t k) { return k < s.size() ? s[k] : 0.0; };
  TierThresholds t;
  t.theta = nth(high_capacity);
  t.theta1 =
      high_capacity + medium_capacity < high_capacity ? 0.0 : nth(high_capacity + medium_capacity);
  return t;
}

Result<TierThresholds> thresholds_for_utility(std::span<const double> scores,
                                              std::span<const double> values,
                                              const ActionCosts& costs, double lift) {
  if (Status st = check_scores(scores); !st) return st.error();
  if (values.size() != scores.size())
    return Error::invalid("one value per score is needed", "values");
  if (Status st = validate(costs); !st) return st.error();
  if (!std::isfinite(lift)) return Error::invalid("the lift must be a finite number", "lift");
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  // Prefix sums of each lead's utility under each tier's action.
  std::vector<double> high(n + 1, 0), medium(n + 1, 0), low(n + 1, 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = order[k];
    double s = std::clamp(scores[i], 1e-9, 1 - 1e-9);
    double p = 1 / (1 + std::exp(-(std::log(s / (1 - s)) + lift)));
    high[k + 1] = high[k] + expected_utility(p, values[i], costs.of(Action::kCall));
    medium[k + 1] = medium[k] + expected_utility(p, values[i], costs.of(Action::kEmail));
    low[k + 1] = low[k] + expected_utility(p, values[i], costs.of(Action::kNurture));
  }
  // A cut after k leads is realisable by a threshold only between distinct
  // scores; the threshold is then the first lead's score below the cut.
  auto score_at = [&](std::size_t k) { return scores[order[k]]; };
  auto valid_cut = [&](std::size_t k) {
    if (k == 0) return true;
    if (k == n) return score_at(n - 1) > 0;
    return score_at(k - 1) > score_at(k);
  };
  auto threshold_at = [&](std::size_t k) { return k == n ? 0.0 : score_at(k); };
  double best = -INFINITY;
  std::size_t best_h = 0, best_m = 0;
  double run_max = -INFINITY;  // max over valid h <= m of high[h] - medium[h]
  std::size_t run_h = 0;
  for (std::size_t m = 0; m <= n; ++m) {
    if (valid_cut(m) && high[m] - medium[m] > run_max) {
      run_max = high[m] - medium[m];
      run_h = m;
    }
    if (!valid_cut(m)) continue;
    double total = run_max + medium[m] + (low[n] - low[m]);
    if (total > best) {
      best = total;
      best_h = run_h;
      best_m = m;
    }
  }
  return TierThresholds{.theta = threshold_at(best_h), .theta1 = threshold_at(best_m)};
}

}  // namespace icrm::decide
