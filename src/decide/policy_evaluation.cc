#include "decide/policy_evaluation.h"

#include "decide/rules_policy.h"

namespace icrm::decide {

std::vector<PolicyEstimate> evaluate_policies(std::span<const LoggedDecision> log,
                                              const BanditConfig& config) {
  const std::vector<PerAction> predicted = cross_fitted_reward_model(log);
  auto estimate = [&](std::string name, const std::vector<ActionProbabilities>& target) {
    return PolicyEstimate{std::move(name), ips(log, target), snips(log, target),
                          doubly_robust(log, target, predicted)};
  };
  std::vector<PolicyEstimate> out;
  std::vector<ActionProbabilities> target(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) target[i] = uniform_probabilities();
  out.push_back(estimate("random", target));
  for (std::size_t i = 0; i < log.size(); ++i) target[i] = rules_probabilities(log[i].context.tier);
  out.push_back(estimate("rules", target));
  const std::size_t features = log.front().context.features.size();
  for (std::size_t fold = 0; fold < 2; ++fold) {
    ThompsonBandit bandit(features, config);
    for (std::size_t i = 1 - fold; i < log.size(); i += 2)
      bandit.update(log[i].context, log[i].action, log[i].reward);
    for (std::size_t i = fold; i < log.size(); i += 2)
      target[i] = bandit.probabilities(log[i].context);
  }
  out.push_back(estimate("bandit", target));
  return out;
}

}  // namespace icrm::decide
