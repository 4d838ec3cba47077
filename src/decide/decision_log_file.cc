#include "decide/decision_log_file.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>

namespace icrm::decide {

namespace json = boost::json;

std::string to_json_line(const LoggedDecision& d) {
  json::array features;
  for (double f : d.context.features) features.push_back(f);
  json::object o{{"probability", d.context.probability},
                 {"tier", tier_name(d.context.tier)},
                 {"value", d.context.value},
                 {"features", features},
                 {"action", action_name(d.action)},
                 {"propensity", d.propensity},
                 {"reward", d.reward}};
  return json::serialize(o);
}

namespace {

Result<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return Error::invalid(fmt::format("{} is missing", key), std::string(key));
  if (!v->is_number())
    return Error::invalid(fmt::format("{} must be a number", key), std::string(key));
  double x = v->to_number<double>();
  if (!std::isfinite(x))
    return Error::invalid(fmt::format("{} must be finite", key), std::string(key));
  return x;
}

Result<std::string_view> text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string())
    return Error::invalid(fmt::format("{} must be a string", key), std::string(key));
  return std::string_view(v->get_string());
}

}  // namespace

Result<LoggedDecision> parse_json_line(std::string_view line) {
  if (line.size() > kMaxDecisionLogLineBytes)
    return Error::too_large(
        fmt::format("a line is longer than {} bytes", kMaxDecisionLogLineBytes));
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) return Error::invalid(fmt::format("not valid JSON ({})", ec.message()));
  if (!v.is_object()) return Error::invalid("a decision must be a JSON object");
  const json::object& o = v.get_object();
  for (const auto& kv : o)
    if (kv.key() != "probability" && kv.key() != "tier" && kv.key() != "value" &&
        kv.key() != "features" && kv.key() != "action" && kv.key() != "propensity" &&
        kv.key() != "reward")
      return Error::invalid(fmt::format("unknown field {}", std::string_view(kv.key())),
                            std::string(kv.key()));
  LoggedDecision d;
  auto p = number(o, "probability");
  if (!p) return p.error();
  d.context.probability = *p;
  auto tier = text(o, "tier");
  if (!tier) return tier.error();
  auto t = parse_tier(*tier);
  if (!t) return Error::invalid("tier must be high, medium or low", "tier");
  d.context.tier = *t;
  auto value = number(o, "value");
  if (!value) return value.error();
  d.context.value = *value;
  const json::value* f = o.if_contains("features");
  if (!f || !f->is_array())
    return Error::invalid("features must be an array of numbers", "features");
  if (f->get_array().size() > kMaxDecisionFeatures)
    return Error::too_large(fmt::format("at most {} features", kMaxDecisionFeatures), "features");
  for (std::size_t i = 0; i < f->get_array().size(); ++i) {
    const json::value& x = f->get_array()[i];
    if (!x.is_number() || !std::isfinite(x.to_number<double>()))
      return Error::invalid("a feature must be a finite number", fmt::format("features[{}]", i));
    d.context.features.push_back(x.to_number<double>());
  }
  auto action = text(o, "action");
  if (!action) return action.error();
  auto a = parse_action(*action);
  if (!a) return Error::invalid("action must be call, email, offer or nurture", "action");
  d.action = *a;
  auto prop = number(o, "propensity");
  if (!prop) return prop.error();
  d.propensity = *prop;
  auto reward = number(o, "reward");
  if (!reward) return reward.error();
  d.reward = *reward;
  LoggedDecision one[1] = {d};
  if (Status st = validate_log(one); !st) {
    Error e = st.error();
    e.field = e.field.substr(e.field.find('.') + 1);  // "log[0].propensity" → "propensity"
    return e;
  }
  return d;
}

Status write_decision_log(const std::string& path, std::span<const LoggedDecision> log) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Error::unavailable("cannot write " + path);
  for (const LoggedDecision& d : log) out << to_json_line(d) << '\n';
  if (!out.flush()) return Error::unavailable("cannot write " + path);
  return {};
}

Result<std::vector<LoggedDecision>> read_decision_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::invalid("cannot read " + path, "log");
  std::vector<LoggedDecision> log;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (log.size() == kMaxDecisionLogRecords)
      return Error::too_large(
          fmt::format("{}: more than {} decisions", path, kMaxDecisionLogRecords), "log");
    auto d = parse_json_line(line);
    if (!d) {
      Error e = d.error();
      e.message = fmt::format("{} line {}: {}", path, n, e.message);
      return e;
    }
    if (!log.empty() && d->context.features.size() != log[0].context.features.size())
      return Error::invalid(
          fmt::format("{} line {}: {} features where the first line has {}", path, n,
                      d->context.features.size(), log[0].context.features.size()),
          "features");
    log.push_back(std::move(*d));
  }
  if (log.empty()) return Error::invalid(path + " holds no decisions", "log");
  return log;
}

}  // namespace icrm::decide
