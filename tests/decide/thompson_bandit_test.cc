#include "decide/thompson_bandit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "decide/rules_policy.h"

namespace icrm::decide {
namespace {

DecisionContext lead(double p, Tier tier, double feature, double value = 1000) {
  return {.probability = p, .tier = tier, .value = value, .features = {feature}};
}

// Decides for `rounds` random leads, learning each outcome, and checks every
// distribution: it sums to one, the logged propensity is the one drawn from,
// and no action falls below the ε in force (which never falls below its floor).
void expect_valid_propensities(ThompsonBandit& bandit, uint64_t seed, int rounds) {
  Rng rng(seed);
  for (int i = 0; i < rounds; ++i) {
    auto c = lead(rng.uniform(), static_cast<Tier>(i % 3), rng.normal(), 50 + 3000 * rng.uniform());
    const double floor = bandit.exploration_now() / kActionCount;
    EXPECT_GE(floor, bandit.config().exploration_floor / kActionCount - 1e-12);
    auto choice = bandit.choose(c, rng);
    double sum = 0;
    for (double p : choice.probabilities) {
      EXPECT_GE(p, floor - 1e-12);
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(choice.propensity, choice.probabilities[index(choice.action)]);
    bandit.update(c, choice.action, rng.chance(0.3) ? 1 : 0);
  }
}

TEST(ThompsonBanditTest, PropensitiesSumToOneAndNeverFallBelowTheFloor) {
  ThompsonBandit bandit(1, BanditConfig{});
  expect_valid_propensities(bandit, 3, 200);
}

TEST(ThompsonBanditTest, PropensitiesAreAFunctionOfThePosteriorAndTheLead) {
  ThompsonBandit bandit(1, BanditConfig{});
  auto c = lead(0.3, Tier::kMedium, 0.5);
  EXPECT_EQ(bandit.probabilities(c), bandit.probabilities(c));
}

// Leads typical of each tier: the rule's step is the likeliest, and the
// rule's steps (High: "direct call or personalised offer") are chosen more
// often than not.
void expect_table_vi_first(const ThompsonBandit& bandit) {
  auto high = bandit.probabilities(lead(0.6, Tier::kHigh, 0));
  EXPECT_EQ(std::max_element(high.begin(), high.end()) - high.begin(),
            static_cast<long>(index(Action::kCall)));
  EXPECT_GT(high[index(Action::kCall)] + high[index(Action::kOffer)], 0.5);
  EXPECT_GT(bandit.probabilities(lead(0.2, Tier::kMedium, 0))[index(Action::kEmail)], 0.5);
  EXPECT_GT(bandit.probabilities(lead(0.03, Tier::kLow, 0))[index(Action::kNurture)], 0.5);
}

TEST(ThompsonBanditTest, BeforeAnyOutcomeItMostlyFollowsTableVi) {
  expect_table_vi_first(ThompsonBandit(1, BanditConfig{}));
}

TEST(ThompsonBanditTest, SampledActionsFollowTheLoggedPropensities) {
  ThompsonBandit bandit(1, BanditConfig{});
  auto c = lead(0.3, Tier::kHigh, 0.0);
  auto p = bandit.probabilities(c);
  Rng rng(11);
  PerAction counts{};
  const int n = 8000;
  for (int i = 0; i < n; ++i) counts[index(bandit.choose(c, rng).action)] += 1;
  for (std::size_t a = 0; a < kActionCount; ++a)
    EXPECT_NEAR(counts[a] / n, p[a], 4 * std::sqrt(p[a] * (1 - p[a]) / n) + 1e-9) << a;
}

// A planted problem the prior gets wrong: Low-tier leads, for whom Table VI
// says nurture, convert best by offer when the feature is 1 and by email
// when it is 0. The bandit must find both. Run with `config`, the outcomes
// learned one by one or in rounds of 50 (update_batch); returns the share of
// best choices over the last 1000 rounds.
double share_of_best_late(const BanditConfig& config, bool batched, double final_share = 0.85) {
  auto truth = [](Action a, double f) {
    switch (a) {
      case Action::kCall:
        return 0.10;
      case Action::kEmail:
        return f > 0.5 ? 0.10 : 0.35;
      case Action::kOffer:
        return f > 0.5 ? 0.45 : 0.05;
      case Action::kNurture:
        return 0.08;
    }
    return 0.0;
  };
  ThompsonBandit bandit(1, config);
  Rng rng(2026);
  int best_late = 0, late = 0;
  const int rounds = 4000;
  std::vector<ThompsonBandit::Outcome> waiting;
  for (int t = 0; t < rounds; ++t) {
    double f = rng.chance(0.5) ? 1 : 0;
    auto c = lead(0.1, Tier::kLow, f);
    auto choice = bandit.choose(c, rng);
    double reward = rng.chance(truth(choice.action, f)) ? 1 : 0;
    if (batched) {
      waiting.push_back({c, choice.action, reward});
      if (waiting.size() == 50) {
        bandit.update_batch(waiting);
        waiting.clear();
      }
    } else {
      bandit.update(c, choice.action, reward);
    }
    if (t >= rounds - 1000) {
      ++late;
      best_late += choice.action == (f > 0.5 ? Action::kOffer : Action::kEmail);
    }
  }
  EXPECT_EQ(bandit.observations(), 4000u - (batched ? waiting.size() : 0));
  EXPECT_GT(bandit.probabilities(lead(0.1, Tier::kLow, 1))[index(Action::kOffer)], final_share);
  EXPECT_GT(bandit.probabilities(lead(0.1, Tier::kLow, 0))[index(Action::kEmail)], final_share);
  return static_cast<double>(best_late) / late;
}

TEST(ThompsonBanditTest, BatchedAndPooledLearnersAlsoFindTheBestArms) {
  BanditConfig pooled;
  pooled.pooled = true;
  EXPECT_GT(share_of_best_late(BanditConfig{}, /*batched=*/true), 0.85);
  EXPECT_GT(share_of_best_late(pooled, /*batched=*/false), 0.85);
  EXPECT_GT(share_of_best_late(pooled, /*batched=*/true), 0.85);
}

TEST(ThompsonBanditTest, PooledPropensitiesSumToOneAndStartFromTableVi) {
  BanditConfig config;
  config.pooled = true;
  ThompsonBandit bandit(1, config);
  expect_table_vi_first(bandit);
  expect_valid_propensities(bandit, 4, 100);
}

// ε(n) = floor + (ε0 − floor)·n0/(n0 + n): ε0 before any outcome, half way
// down after n0 outcomes, and the floor bounds every propensity from below.
TEST(ThompsonBanditTest, ExplorationFallsToItsFloorAsOutcomesArrive) {
  BanditConfig config;
  config.exploration = 0.1;
  config.exploration_floor = 0.02;
  config.exploration_decay = 100;
  ThompsonBandit bandit(1, config);
  EXPECT_DOUBLE_EQ(bandit.exploration_now(), 0.1);
  auto c = lead(0.3, Tier::kMedium, 0);
  for (int i = 0; i < 100; ++i) bandit.update(c, Action::kEmail, i % 3 == 0 ? 1 : 0);
  EXPECT_NEAR(bandit.exploration_now(), 0.06, 1e-12);
  std::vector<ThompsonBandit::Outcome> many(9900, {c, Action::kEmail, 0.0});
  bandit.update_batch(many);
  EXPECT_NEAR(bandit.exploration_now(), 0.02 + 0.08 * 100 / 10'100, 1e-12);
  for (double p : bandit.probabilities(c)) EXPECT_GE(p, 0.02 / kActionCount - 1e-12);
  // A floor above the starting share is no floor: ε stays at the start.
  config.exploration_floor = 0.2;
  ASSERT_TRUE(validate(config).ok());
  EXPECT_DOUBLE_EQ(ThompsonBandit(1, config).exploration_now(), 0.1);
  config.exploration_floor = 1.5;
  EXPECT_EQ(validate(config).error().field, "exploration_floor");
}

TEST(ThompsonBanditTest, ConvergesToTheBestArmOnAPlantedProblem) {
  EXPECT_GT(share_of_best_late(BanditConfig{}, /*batched=*/false, 0.9), 0.85);
}

TEST(ThompsonBanditTest, ConfigOutOfRangeIsNamed) {
  BanditConfig c;
  c.exploration = 1.5;
  EXPECT_EQ(validate(c).error().field, "exploration");
  c = {};
  c.propensity_draws = kMaxPropensityDraws + 1;
  EXPECT_EQ(validate(c).error().field, "propensity_draws");
  c = {};
  c.prior_sd_tier = 0;
  EXPECT_EQ(validate(c).error().field, "prior_sd_tier");
  c = {};
  c.prior_sd_difference = -1;
  EXPECT_EQ(validate(c).error().field, "prior_sd_difference");
}

}  // namespace
}  // namespace icrm::decide
