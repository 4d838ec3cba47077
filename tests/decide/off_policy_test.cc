#include "decide/off_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "core/random.h"
#include "decide/rules_policy.h"
#include "decide/sample_action.h"

namespace icrm::decide {
namespace {

// A world with known values: the feature f in {0, 1} and the tier are
// uniform and independent; the reward probability depends on both and on
// the action; the logging policy is the ε-soft Table VI rules; the target
// policy prefers the offer when f = 1 and the email otherwise.
double true_reward(Action a, Tier t, double f) {
  double base = t == Tier::kHigh ? 0.3 : t == Tier::kMedium ? 0.15 : 0.05;
  switch (a) {
    case Action::kCall:
      return base + 0.1;
    case Action::kEmail:
      return base + (f > 0.5 ? 0.0 : 0.2);
    case Action::kOffer:
      return base + (f > 0.5 ? 0.3 : -0.04);
    case Action::kNurture:
      return base - 0.04;
  }
  return 0;
}

ActionProbabilities target_policy(const DecisionContext& c) {
  return c.features[0] > 0.5 ? ActionProbabilities{0.1, 0.1, 0.7, 0.1}
                             : ActionProbabilities{0.1, 0.6, 0.1, 0.2};
}

double true_target_value() {
  double v = 0;
  for (Tier t : {Tier::kHigh, Tier::kMedium, Tier::kLow})
    for (double f : {0.0, 1.0}) {
      auto pi = target_policy({.tier = t, .features = {f}});
      for (Action a : kActions) v += pi[index(a)] * true_reward(a, t, f) / 6;
    }
  return v;
}

std::vector<LoggedDecision> draw_log(Rng& rng, std::size_t n, double exploration) {
  std::vector<LoggedDecision> log;
  for (std::size_t i = 0; i < n; ++i) {
    LoggedDecision d;
    d.context.tier = static_cast<Tier>(rng.below(3));
    d.context.probability = d.context.tier == Tier::kHigh     ? 0.3
                            : d.context.tier == Tier::kMedium ? 0.15
                                                              : 0.05;
    d.context.value = 1000;
    d.context.features = {rng.chance(0.5) ? 1.0 : 0.0};
    auto mu = rules_probabilities(d.context.tier, exploration);
    d.action = sample_action(mu, rng);
    d.propensity = mu[index(d.action)];
    d.reward = rng.chance(true_reward(d.action, d.context.tier, d.context.features[0])) ? 1 : 0;
    log.push_back(d);
  }
  return log;
}

struct Replicates {
  double mean = 0, sd = 0, coverage = 0;
};

Replicates replicate(
    const std::function<Estimate(const std::vector<LoggedDecision>&,
                                 const std::vector<ActionProbabilities>&)>& estimator) {
  const int reps = 300;
  const double truth = true_target_value();
  Rng rng(99);
  std::vector<double> values;
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    auto log = draw_log(rng, 600, 0.4);
    std::vector<ActionProbabilities> target;
    for (const auto& d : log) target.push_back(target_policy(d.context));
    Estimate e = estimator(log, target);
    values.push_back(e.value);
    covered += e.ci_low <= truth && truth <= e.ci_high;
  }
  Replicates out;
  for (double v : values) out.mean += v / reps;
  for (double v : values) out.sd += (v - out.mean) * (v - out.mean) / (reps - 1);
  out.sd = std::sqrt(out.sd);
  out.coverage = static_cast<double>(covered) / reps;
  return out;
}

TEST(OffPolicyTest, IpsIsUnbiasedAndItsIntervalCoversTheTruth) {
  const double truth = true_target_value();
  auto r = replicate([](const auto& log, const auto& target) { return ips(log, target); });
  EXPECT_NEAR(r.mean, truth, 3 * r.sd / std::sqrt(300.0));
  EXPECT_GT(r.coverage, 0.90);
  EXPECT_LT(r.coverage, 0.99);
}

TEST(OffPolicyTest, SelfNormalisedIpsIsNearlyUnbiasedWithLessVariance) {
  const double truth = true_target_value();
  auto plain = replicate([](const auto& log, const auto& target) { return ips(log, target); });
  auto r = replicate([](const auto& log, const auto& target) { return snips(log, target); });
  EXPECT_NEAR(r.mean, truth, 0.01);
  EXPECT_LT(r.sd, plain.sd);
  EXPECT_GT(r.coverage, 0.90);
}

TEST(OffPolicyTest, DoublyRobustIsUnbiasedEvenWithAWrongRewardModel) {
  const double truth = true_target_value();
  auto r = replicate([](const auto& log, const auto& target) {
    std::vector<PerAction> wrong(log.size(), PerAction{0.5, 0.5, 0.5, 0.5});
    return doubly_robust(log, target, wrong);
  });
  EXPECT_NEAR(r.mean, truth, 3 * r.sd / std::sqrt(300.0));
  EXPECT_GT(r.coverage, 0.90);
}

TEST(OffPolicyTest, DoublyRobustWithTheCrossFittedModelBeatsIpsOnVariance) {
  const double truth = true_target_value();
  auto plain = replicate([](const auto& log, const auto& target) { return ips(log, target); });
  auto r = replicate([](const auto& log, const auto& target) {
    return doubly_robust(log, target, cross_fitted_reward_model(log));
  });
  EXPECT_NEAR(r.mean, truth, 3 * r.sd / std::sqrt(300.0) + 0.005);
  EXPECT_LT(r.sd, plain.sd);
  EXPECT_GT(r.coverage, 0.90);
}

TEST(OffPolicyTest, TheLoggingPolicyItselfIsEstimatedByItsOwnMean) {
  Rng rng(1);
  auto log = draw_log(rng, 500, 0.4);
  std::vector<ActionProbabilities> same;
  double mean = 0;
  for (const auto& d : log) {
    same.push_back(rules_probabilities(d.context.tier, 0.4));
    mean += d.reward / log.size();
  }
  EXPECT_NEAR(ips(log, same).value, mean, 1e-12);
  EXPECT_NEAR(snips(log, same).value, mean, 1e-12);
  EXPECT_NEAR(ips(log, same).effective_sample_size, 500, 1e-9);
  EXPECT_DOUBLE_EQ(ips(log, same).max_weight, 1.0);
}

TEST(OffPolicyTest, BadLogEntriesAreNamed) {
  std::vector<LoggedDecision> log(3);
  for (auto& d : log) d.context.features = {0};
  log[1].propensity = 0;
  EXPECT_EQ(validate_log(log).error().field, "log[1].propensity");
  log[1].propensity = 1;
  log[2].reward = 1.5;
  EXPECT_EQ(validate_log(log).error().field, "log[2].reward");
  log[2].reward = 1;
  log[2].context.features = {};
  EXPECT_EQ(validate_log(log).error().field, "log[2].features");
}

}  // namespace
}  // namespace icrm::decide
