#include "decide/decision_log_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "decide/policy_evaluation.h"
#include "decide/rules_policy.h"
#include "decide/sample_action.h"
#include "decide/simulation.h"
#include "tests/support/temp_dir.h"

namespace icrm::decide {
namespace {

TEST(DecisionLogFileTest, RoundTripsEveryField) {
  LoggedDecision d{.context = {.probability = 0.31,
                               .tier = Tier::kMedium,
                               .value = 1200,
                               .features = {0, 1, 2.5}},
                   .action = Action::kOffer,
                   .propensity = 0.025,
                   .reward = 1};
  auto back = parse_json_line(to_json_line(d));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->context.probability, 0.31);
  EXPECT_EQ(back->context.tier, Tier::kMedium);
  EXPECT_EQ(back->context.value, 1200);
  EXPECT_EQ(back->context.features, (std::vector<double>{0, 1, 2.5}));
  EXPECT_EQ(back->action, Action::kOffer);
  EXPECT_EQ(back->propensity, 0.025);
  EXPECT_EQ(back->reward, 1);
}

TEST(DecisionLogFileTest, BadLinesNameTheFieldAndTheLine) {
  const std::string ok =
      R"({"probability":0.3,"tier":"high","value":100,"features":[1],"action":"call","propensity":0.9,"reward":0})";
  EXPECT_TRUE(parse_json_line(ok));
  auto field = [](std::string_view line) { return parse_json_line(line).error().field; };
  EXPECT_EQ(
      field(
          R"({"probability":0.3,"tier":"top","value":100,"features":[1],"action":"call","propensity":0.9,"reward":0})"),
      "tier");
  EXPECT_EQ(
      field(
          R"({"probability":0.3,"tier":"high","value":100,"features":[1],"action":"fax","propensity":0.9,"reward":0})"),
      "action");
  EXPECT_EQ(
      field(
          R"({"probability":0.3,"tier":"high","value":100,"features":[1],"action":"call","propensity":0,"reward":0})"),
      "propensity");
  EXPECT_EQ(
      field(
          R"({"probability":0.3,"tier":"high","value":100,"features":[1,"x"],"action":"call","propensity":0.9,"reward":0})"),
      "features[1]");
  EXPECT_EQ(
      field(
          R"({"probability":0.3,"tier":"high","value":100,"features":[1],"action":"call","propensity":0.9,"reward":0,"extra":1})"),
      "extra");
  EXPECT_EQ(
      field(
          R"({"tier":"high","value":100,"features":[1],"action":"call","propensity":0.9,"reward":0})"),
      "probability");
  EXPECT_FALSE(parse_json_line("{not json"));

  icrm::testing::TempDir dir("icrm-decision-log");
  const std::string path = dir.path("decisions_bad.jsonl");
  std::ofstream(path) << ok << "\n\n"
                      << ok << "\n"
                      << R"({"probability":2})"
                      << "\n";
  auto log = read_decision_log(path);
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().message.find("line 4"), std::string::npos) << log.error().message;
}

TEST(DecisionLogFileTest, ALineOnePastTheLimitIsRefused) {
  std::string line(kMaxDecisionLogLineBytes + 1, ' ');
  EXPECT_EQ(parse_json_line(line).error().code, ErrorCode::kTooLarge);
  std::string features = "[";
  for (std::size_t i = 0; i <= kMaxDecisionFeatures; ++i) features += i ? ",0" : "0";
  features += "]";
  auto r = parse_json_line(R"({"probability":0.3,"tier":"high","value":1,"features":)" + features +
                           R"(,"action":"call","propensity":0.9,"reward":0})");
  EXPECT_EQ(r.error().field, "features");
}

// A log of ε-soft rules decisions: evaluating the deterministic rules from it
// lands near what the rules themselves score on the logged leads.
TEST(PolicyEvaluationTest, RulesValuedFromTheirOwnSoftLogMatchTheirConversion) {
  Rng rng(4);
  std::vector<LoggedDecision> log;
  double rules_truth = 0;
  auto p_true = [](Tier t, Action a) {
    double base = t == Tier::kHigh ? 0.5 : t == Tier::kMedium ? 0.3 : 0.1;
    return a == table_vi_action(t) ? base : base * 0.7;
  };
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    LoggedDecision d;
    d.context = {.probability = 0.3,
                 .tier = static_cast<Tier>(rng.below(3)),
                 .value = 500,
                 .features = {rng.normal()}};
    auto mu = rules_probabilities(d.context.tier, 0.2);
    d.action = sample_action(mu, rng);
    d.propensity = mu[index(d.action)];
    d.reward = rng.chance(p_true(d.context.tier, d.action)) ? 1 : 0;
    rules_truth += p_true(d.context.tier, table_vi_action(d.context.tier)) / n;
    log.push_back(d);
  }
  auto estimates = evaluate_policies(log, BanditConfig{});
  ASSERT_EQ(estimates.size(), 3u);
  EXPECT_EQ(estimates[1].policy, "rules");
  EXPECT_LE(estimates[1].dr.ci_low, rules_truth);
  EXPECT_GE(estimates[1].dr.ci_high, rules_truth);
  EXPECT_LE(estimates[1].ips.ci_low, rules_truth);
  EXPECT_GE(estimates[1].ips.ci_high, rules_truth);
  // Uniform random is worse than the rules in this world, and says so.
  EXPECT_LT(estimates[0].dr.value, estimates[1].dr.value);
}

}  // namespace
}  // namespace icrm::decide
