// Decision settings as an admin sends them: defaults, each field's limit at
// and one past it, unknown fields, and the round trip through JSON.
#include "decide/decision_settings.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace icrm::decide {
namespace {

Result<DecisionSettings> read(const char* json) {
  return settings_from_json(boost::json::parse(json));
}

TEST(DecisionSettingsTest, DefaultsKeepCallAboveOfferAboveEmailAboveNurture) {
  DecisionSettings s;
  EXPECT_GT(s.costs.of(Action::kCall), s.costs.of(Action::kOffer));
  EXPECT_GT(s.costs.of(Action::kOffer), s.costs.of(Action::kEmail));
  EXPECT_GT(s.costs.of(Action::kEmail), s.costs.of(Action::kNurture));
  EXPECT_EQ(s.service_hours_high, 4);
  EXPECT_EQ(s.service_hours_medium, 16);
  EXPECT_TRUE(validate(s).ok());
}

TEST(DecisionSettingsTest, RoundTripsThroughJson) {
  auto s = read(R"({"mode":"capacity","theta":0.8,"theta1":0.3,"calls_per_rep_per_day":5,
                    "value_source":"average_won","costs":{"call":50},"service_hours":{"high":2},
                    "workday":{"start_hour":8,"end_hour":16},"horizon_days":14})");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->mode, ThresholdMode::kCapacity);
  EXPECT_EQ(s->costs.of(Action::kCall), 50);
  EXPECT_EQ(s->costs.of(Action::kEmail), 5);  // left out: default
  auto again = settings_from_json(to_json(*s));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(boost::json::serialize(to_json(*again)), boost::json::serialize(to_json(*s)));
}

TEST(DecisionSettingsTest, EveryLimitAtAndOnePast) {
  struct Case {
    std::string at, past, field;
  };
  const Case cases[] = {
      {R"({"horizon_days":365})", R"({"horizon_days":366})", "horizon_days"},
      {R"({"horizon_days":1})", R"({"horizon_days":0})", "horizon_days"},
      {R"({"calls_per_rep_per_day":1000})", R"({"calls_per_rep_per_day":1001})",
       "calls_per_rep_per_day"},
      {R"({"follow_ups_per_rep_per_day":1000})", R"({"follow_ups_per_rep_per_day":1001})",
       "follow_ups_per_rep_per_day"},
      {R"({"service_hours":{"low":8760}})", R"({"service_hours":{"low":8760.5}})",
       "service_hours.low"},
      {R"({"default_value":1e12})", R"({"default_value":1.1e12})", "default_value"},
      {R"({"costs":{"call":1e9}})", R"({"costs":{"call":1.1e9}})", "costs.call"},
      {R"({"workday":{"start_hour":9,"end_hour":24}})",
       R"({"workday":{"start_hour":9,"end_hour":25}})", "workday.end_hour"},
      {R"({"workday":{"start_hour":9,"end_hour":10}})",
       R"({"workday":{"start_hour":9,"end_hour":9}})", "workday.end_hour"},
      {R"({"theta":1,"theta1":1})", R"({"theta":1.01})", "theta"},
      {R"({"exploration":1})", R"({"exploration":1.5})", "exploration"},
      {R"({"exploration":0.01})", R"({"exploration":0})", "exploration"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(read(c.at.c_str()).ok()) << c.at << ": " << read(c.at.c_str()).error().to_string();
    auto bad = read(c.past.c_str());
    ASSERT_FALSE(bad.ok()) << c.past;
    EXPECT_EQ(bad.error().field, c.field) << c.past;
  }
}

TEST(DecisionSettingsTest, RefusesUnknownFieldsAndWrongTypes) {
  EXPECT_EQ(read(R"({"thetta":0.5})").error().field, "thetta");
  EXPECT_EQ(read(R"({"costs":{"fax":1}})").error().field, "costs.fax");
  EXPECT_EQ(read(R"({"mode":"magic"})").error().field, "mode");
  EXPECT_EQ(read(R"({"horizon_days":1.5})").error().field, "horizon_days");
  EXPECT_EQ(read(R"({"theta":"high"})").error().field, "theta");
  EXPECT_EQ(read(R"({"theta1":0.8,"theta":0.5})").error().field, "theta1");
  EXPECT_FALSE(read("[]").ok());
}

}  // namespace
}  // namespace icrm::decide
