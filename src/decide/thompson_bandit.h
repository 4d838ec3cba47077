// ThompsonBandit: the next-best-action a* = argmax_a E[R(L, a)] (paper eq.
// 23) learned from outcomes. One BayesianLogistic per action models
// P(convert | lead, action) on the design vector (decision_context.h); a
// decision draws each action's logit from its posterior, values each action
// by its expected utility σ(draw)·V − C(a) (eq. 22) and takes the best
// (Thompson sampling). The prior is the Table VI policy: each tier's
// intercept favours the rule's action by `tier_lift` on the logit (High:
// call, and half of it for the personalised offer; Medium: email; Low:
// nurture), the score's coefficient starts at 1 (trust the scoring model),
// the lead's other features at 0; so before any outcome the bandit mostly
// does what the rules do, and moves away only where outcomes say so.
//
// Propensities: the chance each action is chosen is estimated from
// `propensity_draws` posterior draws on a fixed random stream (so it is a
// function of the posterior and the lead), mixed with the current share ε(n)
// of the uniform policy (below), and the action is then sampled from exactly
// that distribution — the logged propensity is the true one, never below
// ε(n)/4 ≥ min(exploration_floor, exploration)/4, which off-policy
// evaluation needs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "decide/action.h"
#include "decide/bayesian_logistic.h"
#include "decide/decision_context.h"
#include "decide/utility.h"

namespace icrm::decide {

struct BanditConfig {
  ActionCosts costs;
  double exploration = 0.05;  // share of the uniform policy mixed in before any outcome
  // The exploration schedule: the uniform share falls from `exploration`
  // towards `exploration_floor` as outcomes n arrive,
  // ε(n) = floor + (exploration − floor) · n0 / (n0 + n), n0 = exploration_decay,
  // floor = min(exploration_floor, exploration).
  // Thompson sampling explores by itself where the posterior is unsure; the
  // uniform share is what keeps every propensity above zero for off-policy
  // evaluation, so it never goes below the floor.
  double exploration_floor = 0.01;
  double exploration_decay = 500;  // n0, outcomes
  // Each Thompson draw is μ + posterior_scale·σ·N(0, 1): 1 is plain Thompson
  // sampling; below 1 samples a tighter posterior (less exploration by
  // sampling, more exploitation of what the posterior mean says).
  double posterior_scale = 0.5;
  int propensity_draws = 400;     // posterior draws per decision
  double tier_lift = 0.6;         // Table VI prior: logit advantage of the rule's action
  double prior_sd_tier = 1.0;     // prior sd of each tier intercept
  double prior_sd_score = 0.1;    // prior sd of the score's coefficient (mean 1)
  double prior_sd_feature = 1.0;  // prior sd of each lead feature's coefficient (mean 0)
  // Pooling across actions: one Bayesian logistic regression whose weights
  // for action a are shared + δ_a (the design holds the lead's vector once
  // for the shared block and once in a's own block). What is true of every
  // step (how much the score and the lead's features say about converting at
  // all) is learned from every outcome; each δ_a, with the same prior as an
  // unpooled action's weights but with the score coefficient's mean in the
  // shared block, only says how a differs. Off: one independent model per action.
  bool pooled = false;
  // Pooled only: the prior sd of each δ_a's feature entries — how much a
  // step's response to the lead's features may differ from the shared
  // response (whose prior sd is prior_sd_feature). Below it, the prior says
  // the steps respond alike unless outcomes say otherwise (a hierarchical prior).
  double prior_sd_difference = 1.0;
};
inline constexpr int kMaxPropensityDraws = 100'000;
Status validate(const BanditConfig& c);

struct BanditChoice {
  Action action = Action::kNurture;
  ActionProbabilities probabilities{};  // the distribution the action was drawn from
  double propensity = 0;                // probabilities[action]
  PerAction mean_probability{};         // E[P(convert | lead, a)] under the posterior
  PerAction mean_utility{};             // E[P]·V − C(a)
};

class ThompsonBandit {
 public:
  // `feature_count` is DecisionContext::features' length. REQUIRES: validate(config).
  ThompsonBandit(std::size_t feature_count, BanditConfig config);

  // The policy's distribution over actions for this lead.
  ActionProbabilities probabilities(const DecisionContext& c) const;
  // Draws an action from probabilities() with `rng`.
  BanditChoice choose(const DecisionContext& c, Rng& rng) const;
  // An outcome: `reward` 1 converted, 0 not (fractions allowed).
  void update(const DecisionContext& c, Action action, double reward);
  // The outcomes that arrived together (a day's, a sweep's): one batched
  // Laplace update per action (BayesianLogistic::update_batch).
  struct Outcome {
    DecisionContext context;
    Action action = Action::kNurture;
    double reward = 0;
  };
  void update_batch(std::span<const Outcome> outcomes);
  // The uniform share in force now (the exploration schedule).
  double exploration_now() const;
  // Outcomes learned from, over all actions.
  std::size_t observations() const;

  // REQUIRES: !config().pooled.
  const BayesianLogistic& model(Action a) const { return models_[index(a)]; }
  // Replaces one action's posterior (one restored from the database).
  // REQUIRES: !config().pooled, model.dimension() == kDesignPrefix + feature_count().
  void set_model(Action a, BayesianLogistic model) { models_[index(a)] = std::move(model); }
  const BanditConfig& config() const { return config_; }
  std::size_t feature_count() const { return feature_count_; }

 private:
  // The posterior of the four actions' logits for one lead: means and their
  // covariance (diagonal unless pooled).
  struct Logits {
    Eigen::Vector4d mean;
    Eigen::Matrix4d covariance;
  };
  Logits logits(const DecisionContext& c) const;
  // Pooled: the lead's design vector in the shared block and in a's block.
  std::vector<double> pooled_design(const std::vector<double>& x, Action a) const;

  std::size_t feature_count_;
  BanditConfig config_;
  // One per action, indexed by Action; pooled: the one joint model.
  std::vector<BayesianLogistic> models_;
};

}  // namespace icrm::decide
