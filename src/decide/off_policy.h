// Off-policy evaluation: the value a target policy would have had, estimated
// from decisions another (logging) policy made and logged with their
// propensities. Three estimators over n logged decisions i, with importance
// weight w_i = π(a_i|x_i) / μ(a_i|x_i):
//   IPS     V = (1/n) Σ w_i r_i                        (unbiased when μ > 0 wherever π > 0)
//   SNIPS   V = Σ w_i r_i / Σ w_i                       (slightly biased, much less variance)
//   DR      V = (1/n) Σ [Σ_a π(a|x_i) r̂(x_i,a) + w_i (r_i − r̂(x_i,a_i))]
//                                                       (unbiased if μ is right or r̂ is)
// Confidence intervals are normal ones from the per-decision terms (for
// SNIPS by the delta method). The estimators are arithmetic over aligned
// arrays, so the caller chooses the target policy and the reward model
// (cross-fitted_reward_model() is the one eval-policy and simulate use).
#pragma once

#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "decide/action.h"
#include "decide/decision_context.h"

namespace icrm::decide {

struct LoggedDecision {
  DecisionContext context;
  Action action = Action::kNurture;
  double propensity = 1;  // μ(action | context) when it was chosen
  double reward = 0;      // 1 converted, 0 not; in [0, 1]
};
// Propensity in (0, 1], reward in [0, 1], finite; errors name "log[i].<field>".
Status validate_log(std::span<const LoggedDecision> log);

struct Estimate {
  double value = 0;
  double std_error = 0;
  double ci_low = 0, ci_high = 0;  // value ± z·std_error
  std::size_t n = 0;
  double max_weight = 0;
  double effective_sample_size = 0;  // (Σw)² / Σw²: how many decisions the estimate really rests on
};

boost::json::object to_json(const Estimate& e);

inline constexpr double kZ95 = 1.959963984540054;

// `target[i]` is π(·|x_i) for log[i]; `predicted[i]` is r̂(x_i, ·).
// REQUIRES: validate_log(log) ok, aligned sizes, n >= 1.
Estimate ips(std::span<const LoggedDecision> log, std::span<const ActionProbabilities> target,
             double z = kZ95);
Estimate snips(std::span<const LoggedDecision> log, std::span<const ActionProbabilities> target,
               double z = kZ95);
Estimate doubly_robust(std::span<const LoggedDecision> log,
                       std::span<const ActionProbabilities> target,
                       std::span<const PerAction> predicted, double z = kZ95);

// r̂(x_i, a) for every logged decision from per-action Bayesian logistic
// regressions fitted on the other `folds`−1 folds of the log (i mod folds),
// so no decision's own outcome predicts it.
std::vector<PerAction> cross_fitted_reward_model(std::span<const LoggedDecision> log,
                                                 int folds = 2);

}  // namespace icrm::decide
