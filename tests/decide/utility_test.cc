#include "decide/utility.h"

#include <gtest/gtest.h>

#include <cmath>

#include "decide/rules_policy.h"

namespace icrm::decide {
namespace {

TEST(UtilityTest, ExpectedUtilityIsProbabilityTimesValueMinusCost) {
  EXPECT_DOUBLE_EQ(expected_utility(0.25, 1000, 40), 210);
  EXPECT_DOUBLE_EQ(expected_utility(0.0, 1000, 5), -5);
}

TEST(UtilityTest, DefaultCostsOrderCallOfferEmailNurture) {
  ActionCosts c;
  EXPECT_GT(c.of(Action::kCall), c.of(Action::kOffer));
  EXPECT_GT(c.of(Action::kOffer), c.of(Action::kEmail));
  EXPECT_GT(c.of(Action::kEmail), c.of(Action::kNurture));
  EXPECT_TRUE(validate(c));
}

TEST(UtilityTest, HighestUtilityWins) {
  ActionCosts c;
  auto choice = choose_by_utility({0.30, 0.20, 0.28, 0.10}, 1000, c);
  EXPECT_DOUBLE_EQ(choice.utility[0], 260);
  EXPECT_DOUBLE_EQ(choice.utility[1], 195);
  EXPECT_DOUBLE_EQ(choice.utility[2], 255);
  EXPECT_DOUBLE_EQ(choice.utility[3], 99);
  EXPECT_EQ(choice.action, Action::kCall);
}

TEST(UtilityTest, NegativeUtilityForEveryActiveStepMeansNurture) {
  ActionCosts c;
  // Nurture's own utility is negative too, and a call's is the least bad.
  auto choice = choose_by_utility({0.001, 0.0001, 0.0002, 0.0}, 100, c);
  EXPECT_LT(choice.utility[0], 0);
  EXPECT_LT(choice.utility[1], 0);
  EXPECT_LT(choice.utility[2], 0);
  EXPECT_EQ(choice.action, Action::kNurture);
  EXPECT_NE(choice.reason.find("nurture"), std::string::npos);
}

TEST(UtilityTest, CostsOnePastTheLimitAreRefusedByName) {
  ActionCosts c;
  c.cost[index(Action::kOffer)] = kMaxActionCost;
  EXPECT_TRUE(validate(c));
  c.cost[index(Action::kOffer)] = std::nextafter(kMaxActionCost, INFINITY);
  EXPECT_EQ(validate(c).error().field, "costs.offer");
  c = {};
  c.cost[index(Action::kNurture)] = NAN;
  EXPECT_EQ(validate(c).error().field, "costs.nurture");
}

TEST(UtilityTest, TableViRulesAndTheirSoftVersionSumToOne) {
  EXPECT_EQ(table_vi_action(Tier::kHigh), Action::kCall);
  EXPECT_EQ(table_vi_action(Tier::kMedium), Action::kEmail);
  EXPECT_EQ(table_vi_action(Tier::kLow), Action::kNurture);
  for (Tier t : {Tier::kHigh, Tier::kMedium, Tier::kLow}) {
    auto p = rules_probabilities(t, 0.2);
    EXPECT_DOUBLE_EQ(p[0] + p[1] + p[2] + p[3], 1.0);
    EXPECT_DOUBLE_EQ(p[index(table_vi_action(t))], 0.85);
  }
}

}  // namespace
}  // namespace icrm::decide
