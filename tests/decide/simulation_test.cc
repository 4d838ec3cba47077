#include "decide/simulation.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "ingest/demo_response.h"

namespace icrm::decide {
namespace {

SimulationOptions small() {
  SimulationOptions o;
  o.days = 20;
  o.seeds = 2;
  o.leads_per_day = 10;
  o.truth_cohort = 500;
  o.bandit.propensity_draws = 100;
  return o;
}

TEST(SimulationTest, SameSeedSameReport) {
  auto a = simulate(small());
  auto b = simulate(small());
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->to_json(), b->to_json());
  SimulationOptions other = small();
  other.seed = 7;
  EXPECT_NE(simulate(other)->to_json(), a->to_json());
}

TEST(SimulationTest, ReportHasEveryPolicyWithItsFigures) {
  std::size_t calls = 0, last_total = 0;
  auto r = simulate(small(), [&](std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_LE(done, total);
    last_total = total;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(calls, last_total);
  auto v = boost::json::parse(r->to_json());
  for (const char* p : {"random", "rules", "bandit"}) {
    const auto& o = v.at("policies").at(p).as_object();
    for (const char* k : {"conversion_rate", "revenue", "cost", "automated_share", "net_revenue"})
      EXPECT_TRUE(o.contains(k)) << p << "." << k;
    EXPECT_EQ(o.at("leads").to_number<int>(), 2 * 20 * 10);
  }
  EXPECT_TRUE(v.at("policies").at("bandit").as_object().contains("delta_c"));
  EXPECT_EQ(v.at("per_seed").as_array().size(), 2u);
}

TEST(SimulationTest, RulesNeverOfferAndAutomateTheirEmailAndNurtureSteps) {
  auto r = simulate(small());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rules.action_share[index(Action::kOffer)], 0);
  EXPECT_NEAR(
      r->rules.automated_share,
      r->rules.action_share[index(Action::kEmail)] + r->rules.action_share[index(Action::kNurture)],
      1e-12);
  // Capacity: about a fifth of the leads are High and get the call.
  EXPECT_NEAR(r->rules.action_share[index(Action::kCall)], 0.2, 0.06);
  EXPECT_NEAR(r->random.action_share[index(Action::kOffer)], 0.25, 0.06);
}

TEST(SimulationTest, OptionsOnePastTheirLimitsAreNamed) {
  SimulationOptions o = small();
  o.days = kMaxSimulationDays + 1;
  EXPECT_EQ(validate(o).error().field, "days");
  o = small();
  o.seeds = 1;
  EXPECT_EQ(validate(o).error().field, "seeds");
  o = small();
  o.leads_per_day = kMaxLeadsPerDay + 1;
  EXPECT_EQ(validate(o).error().field, "leads_per_day");
  o = small();
  o.high_share = 0.8;
  o.medium_share = 0.3;
  EXPECT_EQ(validate(o).error().field, "high_share");
  o = small();
  o.rules_exploration = 0;
  EXPECT_EQ(validate(o).error().field, "rules_exploration");
  o = small();
  o.bandit.exploration = -0.1;
  EXPECT_EQ(validate(o).error().field, "exploration");
}

TEST(DemoResponseTest, EffectsMatchTheDocumentation) {
  ingest::LeadTruth l;
  l.source = 2;  // referral
  l.employees = 1000;
  l.email_clicks = 6;
  l.meeting_held = true;
  EXPECT_DOUBLE_EQ(ingest::true_touch_effect(l, ingest::DemoTouch::kCall), 0.2 + 0.3 * 1.5);
  EXPECT_DOUBLE_EQ(ingest::true_touch_effect(l, ingest::DemoTouch::kEmail), -0.2 + 0.25 * 4);
  EXPECT_DOUBLE_EQ(ingest::true_touch_effect(l, ingest::DemoTouch::kOffer), -0.4 + 1.0 + 0.4);
  EXPECT_DOUBLE_EQ(ingest::true_touch_effect(l, ingest::DemoTouch::kNurture), -0.5);
  l.source = 4;  // cold
  EXPECT_DOUBLE_EQ(ingest::true_touch_effect(l, ingest::DemoTouch::kCall), 0.2 + 0.3 * 1.5 - 0.7);
  EXPECT_DOUBLE_EQ(ingest::demo_deal_value_eur(l), std::round(300 + 40 * std::sqrt(1000.0)));
}

}  // namespace
}  // namespace icrm::decide
