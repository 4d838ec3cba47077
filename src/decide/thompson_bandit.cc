#include "decide/thompson_bandit.h"

#include <fmt/format.h>

#include <cmath>

#include "decide/rules_policy.h"
#include "decide/sample_action.h"

namespace icrm::decide {

Status validate(const BanditConfig& c) {
  if (Status st = validate(c.costs); !st) return st;
  if (!(c.exploration >= 0 && c.exploration <= 1))
    return Error::invalid("exploration must be from 0 to 1", "exploration");
  if (c.propensity_draws < 1 || c.propensity_draws > kMaxPropensityDraws)
    return Error::invalid(fmt::format("propensity_draws must be from 1 to {}", kMaxPropensityDraws),
                          "propensity_draws");
  for (auto [v, field] : {std::pair{c.prior_sd_tier, "prior_sd_tier"}, {c.prior_sd_score, "prior_sd_score"},
                          {c.prior_sd_feature, "prior_sd_feature"}})
    if (!(std::isfinite(v) && v > 0)) return Error::invalid("a prior sd must be a positive number", field);
  if (!std::isfinite(c.tier_lift)) return Error::invalid("tier_lift must be a finite number", "tier_lift");
  return {};
}

ThompsonBandit::ThompsonBandit(std::size_t feature_count, BanditConfig config)
    : feature_count_(feature_count), config_(config) {
  const auto d = static_cast<Eigen::Index>(kDesignPrefix + feature_count);
  for (Action a : kActions) {
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    Eigen::VectorXd variance = Eigen::VectorXd::Constant(d, config.prior_sd_feature * config.prior_sd_feature);
    mean[0] = 1;
    variance[0] = config.prior_sd_score * config.prior_sd_score;
    for (Tier t : {Tier::kHigh, Tier::kMedium, Tier::kLow}) {
      const auto i = static_cast<Eigen::Index>(1 + static_cast<int>(t));
      variance[i] = config.prior_sd_tier * config.prior_sd_tier;
      if (table_vi_action(t) == a) mean[i] = config.tier_lift;
    }
    // Table VI: High → "direct call or personalised offer".
    if (a == Action::kOffer) mean[1] = config.tier_lift / 2;
    models_.emplace_back(mean, variance);
  }
}

ActionProbabilities ThompsonBandit::probabilities(const DecisionContext& c) const {
  const std::vector<double> x = design_vector(c);
  PerAction mu{}, sd{};
  for (Action a : kActions) {
    mu[index(a)] = models_[index(a)].logit_mean(x);
    sd[index(a)] = std::sqrt(models_[index(a)].logit_variance(x));
  }
  // A fixed stream: the same posterior and lead give the same distribution.
  Rng rng(0x7b5eed);
  PerAction wins{};
  for (int k = 0; k < config_.propensity_draws; ++k) {
    std::size_t best = 0;
    double best_u = -INFINITY;
    for (std::size_t i = 0; i < kActionCount; ++i) {
      double u = sigmoid(mu[i] + sd[i] * rng.normal()) * c.value - config_.costs.cost[i];
      if (u > best_u) {
        best_u = u;
        best = i;
      }
    }
    wins[best] += 1;
  }
  ActionProbabilities p;
  for (std::size_t i = 0; i < kActionCount; ++i)
    p[i] = (1 - config_.exploration) * wins[i] / config_.propensity_draws + config_.exploration / kActionCount;
  return p;
}

BanditChoice ThompsonBandit::choose(const DecisionContext& c, Rng& rng) const {
  BanditChoice choice;
  choice.probabilities = probabilities(c);
  choice.action = sample_action(choice.probabilities, rng);
  choice.propensity = choice.probabilities[index(choice.action)];
  const std::vector<double> x = design_vector(c);
  for (Action a : kActions) {
    choice.mean_probability[index(a)] = models_[index(a)].mean_probability(x);
    choice.mean_utility[index(a)] =
        expected_utility(choice.mean_probability[index(a)], c.value, config_.costs.of(a));
  }
  return choice;
}

void ThompsonBandit::update(const DecisionContext& c, Action action, double reward) {
  models_[index(action)].update(design_vector(c), reward);
}

}  // namespace icrm::decide
