#include "decide/thompson_bandit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "decide/rules_policy.h"

namespace icrm::decide {
namespace {

DecisionContext lead(double p, Tier tier, double feature, double value = 1000) {
  return {.probability = p, .tier = tier, .value = value, .features = {feature}};
}

TEST(ThompsonBanditTest, PropensitiesSumToOneAndNeverFallBelowTheFloor) {
  ThompsonBandit bandit(1, BanditConfig{});
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    auto c = lead(rng.uniform(), static_cast<Tier>(i % 3), rng.normal(), 50 + 3000 * rng.uniform());
    auto choice = bandit.choose(c, rng);
    double sum = 0;
    for (double p : choice.probabilities) {
      EXPECT_GE(p, bandit.config().exploration / kActionCount - 1e-12);
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(choice.propensity, choice.probabilities[index(choice.action)]);
    bandit.update(c, choice.action, rng.chance(0.3) ? 1 : 0);
  }
}

TEST(ThompsonBanditTest, PropensitiesAreAFunctionOfThePosteriorAndTheLead) {
  ThompsonBandit bandit(1, BanditConfig{});
  auto c = lead(0.3, Tier::kMedium, 0.5);
  EXPECT_EQ(bandit.probabilities(c), bandit.probabilities(c));
}

TEST(ThompsonBanditTest, BeforeAnyOutcomeItMostlyFollowsTableVi) {
  ThompsonBandit bandit(1, BanditConfig{});
  // Leads typical of each tier.
  EXPECT_GT(bandit.probabilities(lead(0.6, Tier::kHigh, 0))[index(Action::kCall)], 0.5);
  EXPECT_GT(bandit.probabilities(lead(0.2, Tier::kMedium, 0))[index(Action::kEmail)], 0.5);
  EXPECT_GT(bandit.probabilities(lead(0.03, Tier::kLow, 0))[index(Action::kNurture)], 0.5);
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
// when it is 0. The bandit must find both.
TEST(ThompsonBanditTest, ConvergesToTheBestArmOnAPlantedProblem) {
  auto truth = [](Action a, double f) {
    switch (a) {
      case Action::kCall: return 0.10;
      case Action::kEmail: return f > 0.5 ? 0.10 : 0.35;
      case Action::kOffer: return f > 0.5 ? 0.45 : 0.05;
      case Action::kNurture: return 0.08;
    }
    return 0.0;
  };
  ThompsonBandit bandit(1, BanditConfig{});
  Rng rng(2026);
  int best_late = 0, late = 0;
  const int rounds = 4000;
  for (int t = 0; t < rounds; ++t) {
    double f = rng.chance(0.5) ? 1 : 0;
    auto c = lead(0.1, Tier::kLow, f);
    auto choice = bandit.choose(c, rng);
    bandit.update(c, choice.action, rng.chance(truth(choice.action, f)) ? 1 : 0);
    if (t >= rounds - 1000) {
      ++late;
      best_late += choice.action == (f > 0.5 ? Action::kOffer : Action::kEmail);
    }
  }
  EXPECT_GT(best_late, 0.85 * late);
  EXPECT_GT(bandit.probabilities(lead(0.1, Tier::kLow, 1))[index(Action::kOffer)], 0.9);
  EXPECT_GT(bandit.probabilities(lead(0.1, Tier::kLow, 0))[index(Action::kEmail)], 0.9);
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
}

}  // namespace
}  // namespace icrm::decide
