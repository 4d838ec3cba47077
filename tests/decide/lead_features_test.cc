// The lead features the bandit sees: their fixed order and how each is encoded.
#include "decide/lead_features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "decide/decision_context.h"

namespace icrm::decide {
namespace {

TEST(LeadFeatureSpecTest, NamesComeInTheDocumentedOrderAfterTheDesignPrefix) {
  const LeadFeatureSpec& spec = LeadFeatureSpec::standard();
  const std::vector<std::string> expected = {
      "source_web",       "source_ads",         "source_referral", "source_event",
      "source_cold",      "log10_employees",    "page_views_30d",  "email_opens_30d",
      "email_clicks_30d", "form_submitted_30d", "meeting_30d",     "age_months",
      "quiet_30d"};
  EXPECT_EQ(spec.names(), expected);
  auto design = spec.design_names();
  ASSERT_EQ(design.size(), kDesignPrefix + expected.size());
  EXPECT_EQ(design[0], "logit_p");
  EXPECT_EQ(design[3], "tier_low");
  EXPECT_EQ(design[kDesignPrefix], "source_web");
}

TEST(LeadFeatureSpecTest, EncodesEachSignal) {
  LeadSignals s;
  s.source = "Referral";  // matched case-insensitively
  s.employees = 300;
  s.age_days = 15;
  s.page_views = 3;
  s.email_opens = 0;
  s.email_clicks = 1;
  s.form_submits = 2;
  s.meetings = 0;
  s.days_since_last_event = 6;
  auto x = LeadFeatureSpec::standard().encode(s);
  ASSERT_EQ(x.size(), LeadFeatureSpec::standard().size());
  const std::vector<double> expected = {0, 0, 1,   0,  0, 1.0, std::log(4.0), 0, std::log(2.0),
                                        1, 0, 0.5, 0.2};
  for (std::size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(x[i], expected[i], 1e-12) << LeadFeatureSpec::standard().names()[i];
}

TEST(LeadFeatureSpecTest, UnknownsAreZeroAndExtremesAreClamped) {
  LeadSignals s;  // no source, no size, no events
  s.age_days = 10'000;
  auto x = LeadFeatureSpec::standard().encode(s);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(x[i], 0) << "no source: every indicator 0";
  EXPECT_EQ(x[5], 0) << "unknown size sits at the centre";
  EXPECT_EQ(x[11], 12) << "age at most 12 months";
  EXPECT_EQ(x[12], 1) << "no event in the window: fully quiet";
  s.source = "partner";  // not in the vocabulary
  s.employees = 1e9;
  s.days_since_last_event = 400;
  x = LeadFeatureSpec::standard().encode(s);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(x[i], 0);
  EXPECT_NEAR(x[5], std::log10(1e6 / 30), 1e-12) << "at most a million employees";
  EXPECT_EQ(x[12], 1);
  s.employees = 0;
  EXPECT_NEAR(LeadFeatureSpec::standard().encode(s)[5], std::log10(1.0 / 30), 1e-12)
      << "at least one";
}

TEST(LeadFeatureSpecTest, AnotherVocabularyIsAnotherDesign) {
  LeadFeatureSpec partners({"web", "partner"});
  EXPECT_EQ(partners.size(), LeadFeatureSpec::standard().size() - 3);
  EXPECT_EQ(partners.names()[1], "source_partner");
  LeadSignals s;
  s.source = "partner";
  EXPECT_EQ(partners.encode(s)[1], 1);
  EXPECT_NE(partners.design_names(), LeadFeatureSpec::standard().design_names());
}

}  // namespace
}  // namespace icrm::decide
