#include "decide/tier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "decide/rules_policy.h"

namespace icrm::decide {
namespace {

TEST(TierTest, ExactlyAtThetaIsMediumAndJustAboveIsHigh) {
  TierThresholds t{.theta = 0.7, .theta1 = 0.4};
  EXPECT_EQ(tier_of(0.7, t), Tier::kMedium);
  EXPECT_EQ(tier_of(std::nextafter(0.7, 1.0), t), Tier::kHigh);
  EXPECT_EQ(tier_of(0.4, t), Tier::kLow);
  EXPECT_EQ(tier_of(std::nextafter(0.4, 1.0), t), Tier::kMedium);
  EXPECT_EQ(tier_of(0.0, t), Tier::kLow);
  EXPECT_EQ(tier_of(1.0, t), Tier::kHigh);
}

TEST(TierTest, ReasonGivesTheNumbersAndTheRule) {
  TierThresholds t{.theta = 0.7, .theta1 = 0.4};
  EXPECT_EQ(assign_tier(0.8, t).reason, "S=0.8000 > θ=0.7000: high");
  EXPECT_EQ(assign_tier(0.7, t).reason, "θ₁=0.4000 < S=0.7000 ≤ θ=0.7000: medium");
  EXPECT_EQ(assign_tier(0.4, t).reason, "S=0.4000 ≤ θ₁=0.4000: low");
}

TEST(TierTest, ThresholdsOutOfOrderOrRangeAreNamed) {
  EXPECT_TRUE(validate(TierThresholds{.theta = 0.5, .theta1 = 0.5}));
  EXPECT_EQ(validate(TierThresholds{.theta = 0.5, .theta1 = 0.6}).error().field, "theta1");
  EXPECT_EQ(validate(TierThresholds{.theta = std::nextafter(1.0, 2.0), .theta1 = 0}).error().field,
            "theta");
  EXPECT_EQ(validate(TierThresholds{.theta = 0.5, .theta1 = -1e-12}).error().field, "theta1");
  EXPECT_FALSE(validate(TierThresholds{.theta = NAN, .theta1 = 0}));
}

TEST(TierTest, CapacityGivesAtMostThatManyHighLeadsAndTiesStayBelow) {
  std::vector<double> s = {0.9, 0.8, 0.8, 0.5, 0.3, 0.2, 0.1};
  auto t = thresholds_for_capacity(s, 2, 2);
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->theta, 0.8);  // the third-highest; the tie at 0.8 stays Medium
  EXPECT_DOUBLE_EQ(t->theta1, 0.3);
  int high = 0, medium = 0;
  for (double x : s) {
    high += tier_of(x, *t) == Tier::kHigh;
    medium += tier_of(x, *t) == Tier::kMedium;
  }
  EXPECT_EQ(high, 1);
  EXPECT_EQ(medium, 3);
  auto exact = thresholds_for_capacity(s, 1, 3);
  ASSERT_TRUE(exact);
  EXPECT_DOUBLE_EQ(exact->theta, 0.8);
  EXPECT_DOUBLE_EQ(exact->theta1, 0.3);
}

TEST(TierTest, CapacityAboveTheLeadCountTakesEveryone) {
  std::vector<double> s = {0.9, 0.5};
  auto t = thresholds_for_capacity(s, 5, 5);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->theta, 0);
  EXPECT_EQ(t->theta1, 0);
  EXPECT_FALSE(thresholds_for_capacity({}, 1, 1));
  std::vector<double> bad = {0.5, 1.5};
  EXPECT_EQ(thresholds_for_capacity(bad, 1, 1).error().field, "scores[1]");
}

// The utility choice against every pair of cut points tried by brute force.
TEST(TierTest, UtilityThresholdsMaximiseTheSummedUtility) {
  std::vector<double> s, v;
  for (int i = 0; i < 60; ++i) {
    s.push_back(((i * 37) % 61) / 61.0);
    v.push_back(200 + 40 * (i % 7));
  }
  s.push_back(s[3]);  // a tie
  v.push_back(500);
  ActionCosts costs;
  const double lift = 0.5;
  auto total = [&](const TierThresholds& t) {
    double sum = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      double p = std::clamp(s[i], 1e-9, 1 - 1e-9);
      p = 1 / (1 + std::exp(-(std::log(p / (1 - p)) + lift)));
      sum += expected_utility(p, v[i], costs.of(table_vi_action(tier_of(s[i], t))));
    }
    return sum;
  };
  auto t = thresholds_for_utility(s, v, costs, lift);
  ASSERT_TRUE(t);
  ASSERT_TRUE(validate(*t));
  double best = total(*t);
  std::vector<double> cuts = s;
  cuts.push_back(0);
  for (double a : cuts)
    for (double b : cuts)
      if (b <= a) EXPECT_LE(total({.theta = a, .theta1 = b}), best + 1e-9) << a << " " << b;
}

TEST(TierTest, UtilityThresholdsCheckTheirInput) {
  std::vector<double> s = {0.5}, v = {1, 2};
  EXPECT_EQ(thresholds_for_utility(s, v, {}, 0.5).error().field, "values");
  ActionCosts bad;
  bad.cost[0] = -1;
  std::vector<double> v1 = {1};
  EXPECT_EQ(thresholds_for_utility(s, v1, bad, 0.5).error().field, "costs.call");
}

}  // namespace
}  // namespace icrm::decide
