#include "decide/decision_settings.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace icrm::decide {

std::string_view threshold_mode_name(ThresholdMode m) {
  switch (m) {
    case ThresholdMode::kAdmin:
      return "admin";
    case ThresholdMode::kCapacity:
      return "capacity";
    case ThresholdMode::kUtility:
      return "utility";
  }
  return "admin";
}

namespace {

std::string_view value_source_name(ValueSource v) {
  return v == ValueSource::kExpectedValue ? "expected_value" : "average_won";
}

Status in_range(double v, double lo, double hi, const char* field) {
  if (!(std::isfinite(v) && v >= lo && v <= hi)) {
    return Error::invalid(fmt::format("{} must be a number from {} to {}", field, lo, hi), field);
  }
  return {};
}

}  // namespace

Status validate(const DecisionSettings& s) {
  if (Status st = validate(s.thresholds); !st) return st;
  if (Status st = validate(s.costs); !st) return st;
  for (auto [v, f] : {std::pair{s.calls_per_rep_per_day, "calls_per_rep_per_day"},
                      {s.follow_ups_per_rep_per_day, "follow_ups_per_rep_per_day"}}) {
    if (Status st = in_range(v, 0, kMaxStepsPerRepPerDay, f); !st) return st;
  }
  if (Status st = in_range(s.default_value, 0, kMaxDefaultValue, "default_value"); !st) return st;
  for (auto [v, f] : {std::pair{s.service_hours_high, "service_hours.high"},
                      {s.service_hours_medium, "service_hours.medium"},
                      {s.service_hours_low, "service_hours.low"}}) {
    if (Status st = in_range(v, 0, kMaxServiceHours, f); !st) return st;
  }
  if (Status st = in_range(s.workday_start_hour, 0, 23, "workday.start_hour"); !st) return st;
  if (Status st = in_range(s.workday_end_hour, s.workday_start_hour + 1, 24, "workday.end_hour");
      !st)
    return st;
  if (Status st = in_range(s.horizon_days, 1, kMaxHorizonDays, "horizon_days"); !st) return st;
  if (Status st = in_range(s.exploration, 0.01, 1, "exploration"); !st) return st;
  return {};
}

boost::json::object to_json(const DecisionSettings& s) {
  boost::json::object costs;
  for (Action a : kActions) costs[action_name(a)] = s.costs.of(a);
  return {
      {"mode", threshold_mode_name(s.mode)},
      {"theta", s.thresholds.theta},
      {"theta1", s.thresholds.theta1},
      {"calls_per_rep_per_day", s.calls_per_rep_per_day},
      {"follow_ups_per_rep_per_day", s.follow_ups_per_rep_per_day},
      {"value_source", value_source_name(s.value_source)},
      {"default_value", s.default_value},
      {"costs", std::move(costs)},
      {"service_hours",
       {{"high", s.service_hours_high},
        {"medium", s.service_hours_medium},
        {"low", s.service_hours_low}}},
      {"workday", {{"start_hour", s.workday_start_hour}, {"end_hour", s.workday_end_hour}}},
      {"horizon_days", s.horizon_days},
      {"exploration", s.exploration},
  };
}

namespace {

Result<double> number(const boost::json::value& v, const std::string& field) {
  if (!v.is_number()) return Error::invalid(field + " must be a number", field);
  return v.to_number<double>();
}

Result<int> whole(const boost::json::value& v, const std::string& field) {
  if (v.is_int64() && v.as_int64() >= INT32_MIN && v.as_int64() <= INT32_MAX) {
    return static_cast<int>(v.as_int64());
  }
  if (v.is_uint64() && v.as_uint64() <= INT32_MAX) return static_cast<int>(v.as_uint64());
  return Error::invalid(field + " must be a whole number", field);
}

Result<const boost::json::object*> object(const boost::json::value& v, const std::string& field,
                                          std::initializer_list<std::string_view> known) {
  if (!v.is_object()) return Error::invalid(field + " must be an object", field);
  for (const auto& kv : v.as_object()) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    std::string name = field.empty() ? std::string(kv.key()) : field + "." + std::string(kv.key());
    if (!ok) return Error::invalid("unknown field " + name, name);
  }
  return &v.as_object();
}

}  // namespace

Result<DecisionSettings> settings_from_json(const boost::json::value& v) {
  DecisionSettings s;
  auto top = object(v, "",
                    {"mode", "theta", "theta1", "calls_per_rep_per_day",
                     "follow_ups_per_rep_per_day", "value_source", "default_value", "costs",
                     "service_hours", "workday", "horizon_days", "exploration"});
  if (!top) return top.error();
  const boost::json::object& o = **top;
  if (const auto* m = o.if_contains("mode")) {
    std::string_view name = m->is_string() ? std::string_view(m->as_string()) : "";
    if (name == "admin")
      s.mode = ThresholdMode::kAdmin;
    else if (name == "capacity")
      s.mode = ThresholdMode::kCapacity;
    else if (name == "utility")
      s.mode = ThresholdMode::kUtility;
    else
      return Error::invalid("mode is admin, capacity or utility", "mode");
  }
  if (const auto* x = o.if_contains("value_source")) {
    std::string_view name = x->is_string() ? std::string_view(x->as_string()) : "";
    if (name == "expected_value")
      s.value_source = ValueSource::kExpectedValue;
    else if (name == "average_won")
      s.value_source = ValueSource::kAverageWon;
    else
      return Error::invalid("value_source is expected_value or average_won", "value_source");
  }
  auto read_number = [&](const boost::json::object& in, std::string_view key,
                         const std::string& field, double& out) -> Status {
    if (const auto* x = in.if_contains(key)) {
      auto n = number(*x, field);
      if (!n) return n.error();
      out = *n;
    }
    return {};
  };
  auto read_whole = [&](const boost::json::object& in, std::string_view key,
                        const std::string& field, int& out) -> Status {
    if (const auto* x = in.if_contains(key)) {
      auto n = whole(*x, field);
      if (!n) return n.error();
      out = *n;
    }
    return {};
  };
  for (Status st :
       {read_number(o, "theta", "theta", s.thresholds.theta),
        read_number(o, "theta1", "theta1", s.thresholds.theta1),
        read_number(o, "default_value", "default_value", s.default_value),
        read_number(o, "exploration", "exploration", s.exploration),
        read_whole(o, "calls_per_rep_per_day", "calls_per_rep_per_day", s.calls_per_rep_per_day),
        read_whole(o, "follow_ups_per_rep_per_day", "follow_ups_per_rep_per_day",
                   s.follow_ups_per_rep_per_day),
        read_whole(o, "horizon_days", "horizon_days", s.horizon_days)}) {
    if (!st) return st.error();
  }
  if (const auto* c = o.if_contains("costs")) {
    auto costs = object(*c, "costs", {"call", "email", "offer", "nurture"});
    if (!costs) return costs.error();
    for (Action a : kActions) {
      std::string field = "costs." + std::string(action_name(a));
      if (Status st = read_number(**costs, action_name(a), field, s.costs.cost[index(a)]); !st)
        return st.error();
    }
  }
  if (const auto* h = o.if_contains("service_hours")) {
    auto hours = object(*h, "service_hours", {"high", "medium", "low"});
    if (!hours) return hours.error();
    for (Status st :
         {read_number(**hours, "high", "service_hours.high", s.service_hours_high),
          read_number(**hours, "medium", "service_hours.medium", s.service_hours_medium),
          read_number(**hours, "low", "service_hours.low", s.service_hours_low)}) {
      if (!st) return st.error();
    }
  }
  if (const auto* w = o.if_contains("workday")) {
    auto day = object(*w, "workday", {"start_hour", "end_hour"});
    if (!day) return day.error();
    for (Status st : {read_whole(**day, "start_hour", "workday.start_hour", s.workday_start_hour),
                      read_whole(**day, "end_hour", "workday.end_hour", s.workday_end_hour)}) {
      if (!st) return st.error();
    }
  }
  if (Status st = validate(s); !st) return st.error();
  return s;
}

}  // namespace icrm::decide
