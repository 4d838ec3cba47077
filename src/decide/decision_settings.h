// DecisionSettings: what an admin sets for the decision stage (stored as one
// JSON object in table decision_settings): how the tier thresholds are chosen
// (by the admin, from the team's capacity, or to maximise expected utility),
// where V comes from, the cost of each action, the service time per tier in
// working hours, the working day, and the horizon within which an outcome
// counts. Every number has a named limit; from_json names the field at fault.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "decide/tier.h"
#include "decide/utility.h"

namespace icrm::decide {

enum class ThresholdMode { kAdmin, kCapacity, kUtility };
std::string_view threshold_mode_name(ThresholdMode m);  // admin | capacity | utility

// Where V comes from: the lead's own expected value, or the average value of
// won (converted) leads; either falls back to default_value when unknown.
enum class ValueSource { kExpectedValue, kAverageWon };

inline constexpr int kMaxStepsPerRepPerDay = 1000;
inline constexpr double kMaxServiceHours = 24.0 * 365;
inline constexpr int kMaxHorizonDays = 365;
inline constexpr double kMaxDefaultValue = 1e12;

struct DecisionSettings {
  ThresholdMode mode = ThresholdMode::kAdmin;
  TierThresholds thresholds;            // used in admin mode
  int calls_per_rep_per_day = 8;        // capacity mode: High ≈ reps × this
  int follow_ups_per_rep_per_day = 20;  // capacity mode: Medium ≈ reps × this
  ValueSource value_source = ValueSource::kExpectedValue;
  double default_value = 1000;  // V when the source knows none, in the lead's currency
  ActionCosts costs;            // call > offer > email > nurture by default
  // Service time per tier, in working hours: High 4 h, Medium 2 working days, Low a week.
  double service_hours_high = 4, service_hours_medium = 16, service_hours_low = 40;
  int workday_start_hour = 9, workday_end_hour = 17;  // UTC, Monday to Friday
  int horizon_days = 30;      // an outcome later than this after the decision does not count
  double exploration = 0.05;  // the bandit's starting share of the uniform policy (decays)
};

boost::json::object to_json(const DecisionSettings& s);
// Reads a whole settings object; fields left out keep their defaults, unknown
// fields are refused. Errors name the field ("costs.call", "theta1", ...).
Result<DecisionSettings> settings_from_json(const boost::json::value& v);
Status validate(const DecisionSettings& s);

}  // namespace icrm::decide
