#include "decide/thompson_bandit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include "decide/rules_policy.h"
#include "decide/sample_action.h"

namespace icrm::decide {

Status validate(const BanditConfig& c) {
  if (Status st = validate(c.costs); !st) return st;
  if (!(c.exploration >= 0 && c.exploration <= 1))
    return Error::invalid("exploration must be from 0 to 1", "exploration");
  if (!(c.exploration_floor >= 0 && c.exploration_floor <= 1))
    return Error::invalid("the exploration floor must be from 0 to 1", "exploration_floor");
  if (!(std::isfinite(c.exploration_decay) && c.exploration_decay > 0))
    return Error::invalid("exploration_decay must be a positive number of outcomes",
                          "exploration_decay");
  if (c.propensity_draws < 1 || c.propensity_draws > kMaxPropensityDraws)
    return Error::invalid(fmt::format("propensity_draws must be from 1 to {}", kMaxPropensityDraws),
                          "propensity_draws");
  for (auto [v, field] : {std::pair{c.prior_sd_tier, "prior_sd_tier"},
                          {c.prior_sd_score, "prior_sd_score"},
                          {c.prior_sd_feature, "prior_sd_feature"},
                          {c.prior_sd_difference, "prior_sd_difference"}})
    if (!(std::isfinite(v) && v > 0))
      return Error::invalid("a prior sd must be a positive number", field);
  if (!(std::isfinite(c.posterior_scale) && c.posterior_scale > 0 && c.posterior_scale <= 10))
    return Error::invalid("posterior_scale must be above 0 and at most 10", "posterior_scale");
  if (!std::isfinite(c.tier_lift))
    return Error::invalid("tier_lift must be a finite number", "tier_lift");
  return {};
}

ThompsonBandit::ThompsonBandit(std::size_t feature_count, BanditConfig config)
    : feature_count_(feature_count), config_(config) {
  const auto d = static_cast<Eigen::Index>(kDesignPrefix + feature_count);
  // The unpooled prior of action a's weights; `with_score_mean` false leaves
  // the score's coefficient at 0 (pooled: its mean 1 sits in the shared block).
  auto prior = [&](std::optional<Action> a, bool with_score_mean, Eigen::VectorXd& mean,
                   Eigen::VectorXd& variance) {
    mean = Eigen::VectorXd::Zero(d);
    variance = Eigen::VectorXd::Constant(d, config.prior_sd_feature * config.prior_sd_feature);
    mean[0] = with_score_mean ? 1 : 0;
    variance[0] = config.prior_sd_score * config.prior_sd_score;
    for (Tier t : {Tier::kHigh, Tier::kMedium, Tier::kLow}) {
      const auto i = static_cast<Eigen::Index>(1 + static_cast<int>(t));
      variance[i] = config.prior_sd_tier * config.prior_sd_tier;
      if (a && table_vi_action(t) == *a) mean[i] = config.tier_lift;
    }
    // Table VI: High → "direct call or personalised offer".
    if (a == Action::kOffer) mean[1] = config.tier_lift / 2;
  };
  Eigen::VectorXd mean, variance;
  if (!config.pooled) {
    for (Action a : kActions) {
      prior(a, true, mean, variance);
      models_.emplace_back(mean, variance);
    }
    return;
  }
  Eigen::VectorXd joint_mean((1 + kActionCount) * d), joint_variance((1 + kActionCount) * d);
  prior(std::nullopt, true, mean, variance);
  joint_mean.head(d) = mean;
  joint_variance.head(d) = variance;
  for (Action a : kActions) {
    prior(a, false, mean, variance);
    // δ_a's feature entries: how a's response to the lead's features differs from the shared one.
    for (auto i = static_cast<Eigen::Index>(kDesignPrefix); i < d; ++i)
      variance[i] = config.prior_sd_difference * config.prior_sd_difference;
    joint_mean.segment(static_cast<Eigen::Index>(1 + index(a)) * d, d) = mean;
    joint_variance.segment(static_cast<Eigen::Index>(1 + index(a)) * d, d) = variance;
  }
  models_.emplace_back(joint_mean, joint_variance);
}

std::vector<double> ThompsonBandit::pooled_design(const std::vector<double>& x, Action a) const {
  std::vector<double> z((1 + kActionCount) * x.size(), 0.0);
  std::copy(x.begin(), x.end(), z.begin());
  std::copy(x.begin(), x.end(), z.begin() + static_cast<std::ptrdiff_t>((1 + index(a)) * x.size()));
  return z;
}

ThompsonBandit::Logits ThompsonBandit::logits(const DecisionContext& c) const {
  const std::vector<double> x = design_vector(c);
  Logits out;
  out.covariance.setZero();
  if (!config_.pooled) {
    for (Action a : kActions) {
      out.mean[index(a)] = models_[index(a)].logit_mean(x);
      out.covariance(index(a), index(a)) = models_[index(a)].logit_variance(x);
    }
    return out;
  }
  const BayesianLogistic& joint = models_[0];
  Eigen::MatrixXd phi(joint.dimension(), kActionCount);
  for (Action a : kActions) {
    std::vector<double> z = pooled_design(x, a);
    phi.col(static_cast<Eigen::Index>(index(a))) =
        Eigen::Map<const Eigen::VectorXd>(z.data(), static_cast<Eigen::Index>(z.size()));
  }
  out.mean = phi.transpose() * joint.mean();
  out.covariance = phi.transpose() * joint.covariance() * phi;
  return out;
}

ActionProbabilities ThompsonBandit::probabilities(const DecisionContext& c) const {
  const Logits z = logits(c);
  // Draws of the four logits together (they are correlated when pooled).
  Eigen::Matrix4d root = Eigen::Matrix4d::Zero();
  if (config_.pooled) {
    Eigen::LLT<Eigen::Matrix4d> llt(z.covariance + 1e-12 * Eigen::Matrix4d::Identity());
    root = llt.matrixL();
  } else {
    for (int i = 0; i < 4; ++i) root(i, i) = std::sqrt(std::max(0.0, z.covariance(i, i)));
  }
  // A fixed stream: the same posterior and lead give the same distribution.
  Rng rng(0x7b5eed);
  PerAction wins{};
  Eigen::Vector4d noise;
  for (int k = 0; k < config_.propensity_draws; ++k) {
    for (int i = 0; i < 4; ++i) noise[i] = rng.normal();
    const Eigen::Vector4d draw = z.mean + config_.posterior_scale * (root * noise);
    std::size_t best = 0;
    double best_u = -INFINITY;
    for (std::size_t i = 0; i < kActionCount; ++i) {
      double u = sigmoid(draw[static_cast<Eigen::Index>(i)]) * c.value - config_.costs.cost[i];
      if (u > best_u) {
        best_u = u;
        best = i;
      }
    }
    wins[best] += 1;
  }
  const double epsilon = exploration_now();
  ActionProbabilities p;
  for (std::size_t i = 0; i < kActionCount; ++i)
    p[i] = (1 - epsilon) * wins[i] / config_.propensity_draws + epsilon / kActionCount;
  return p;
}

double ThompsonBandit::exploration_now() const {
  const double n0 = config_.exploration_decay;
  // A floor above the starting share (an admin's lower ε) is no floor.
  const double floor = std::min(config_.exploration_floor, config_.exploration);
  return floor + (config_.exploration - floor) * n0 / (n0 + static_cast<double>(observations()));
}

std::size_t ThompsonBandit::observations() const {
  std::size_t n = 0;
  for (const BayesianLogistic& m : models_) n += m.observations();
  return n;
}

BanditChoice ThompsonBandit::choose(const DecisionContext& c, Rng& rng) const {
  BanditChoice choice;
  choice.probabilities = probabilities(c);
  choice.action = sample_action(choice.probabilities, rng);
  choice.propensity = choice.probabilities[index(choice.action)];
  const Logits z = logits(c);
  for (Action a : kActions) {
    const auto i = static_cast<Eigen::Index>(index(a));
    // E[σ(z)] by the probit approximation, as BayesianLogistic::mean_probability.
    choice.mean_probability[index(a)] =
        sigmoid(z.mean[i] / std::sqrt(1 + std::numbers::pi * z.covariance(i, i) / 8));
    choice.mean_utility[index(a)] =
        expected_utility(choice.mean_probability[index(a)], c.value, config_.costs.of(a));
  }
  return choice;
}

void ThompsonBandit::update(const DecisionContext& c, Action action, double reward) {
  const std::vector<double> x = design_vector(c);
  if (config_.pooled) {
    models_[0].update(pooled_design(x, action), reward);
  } else {
    models_[index(action)].update(x, reward);
  }
}

void ThompsonBandit::update_batch(std::span<const Outcome> outcomes) {
  // Pooled: one batch for the joint model; else one per action.
  const std::size_t groups = config_.pooled ? 1 : kActionCount;
  for (std::size_t g = 0; g < groups; ++g) {
    std::vector<std::vector<double>> xs;
    for (const Outcome& o : outcomes) {
      if (!config_.pooled && index(o.action) != g) continue;
      std::vector<double> x = design_vector(o.context);
      xs.push_back(config_.pooled ? pooled_design(x, o.action) : std::move(x));
    }
    std::vector<BayesianLogistic::Observation> batch;
    batch.reserve(xs.size());
    std::size_t k = 0;
    for (const Outcome& o : outcomes) {
      if (!config_.pooled && index(o.action) != g) continue;
      batch.push_back({xs[k++], o.reward});
    }
    models_[g].update_batch(batch);
  }
}

}  // namespace icrm::decide
