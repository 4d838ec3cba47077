#include "decide/decision_record.h"

#include <boost/json/parse.hpp>

namespace icrm::decide {

std::string_view trigger_name(DecisionTrigger t) {
  switch (t) {
    case DecisionTrigger::kOnDemand:
      return "on_demand";
    case DecisionTrigger::kBatch:
      return "batch";
    case DecisionTrigger::kScoreEvent:
      return "score_event";
  }
  return "on_demand";
}

std::string_view outcome_name(OutcomeKind o) {
  switch (o) {
    case OutcomeKind::kConverted:
      return "converted";
    case OutcomeKind::kEngaged:
      return "engaged";
    case OutcomeKind::kRejected:
      return "rejected";
    case OutcomeKind::kNoConversion:
      return "no_conversion";
  }
  return "no_conversion";
}

std::optional<OutcomeKind> parse_outcome(std::string_view name) {
  for (OutcomeKind o : {OutcomeKind::kConverted, OutcomeKind::kEngaged, OutcomeKind::kRejected,
                        OutcomeKind::kNoConversion}) {
    if (outcome_name(o) == name) return o;
  }
  return std::nullopt;
}

double default_reward(OutcomeKind o) {
  switch (o) {
    case OutcomeKind::kConverted:
      return 1.0;
    case OutcomeKind::kEngaged:
      return 0.5;
    case OutcomeKind::kRejected:
    case OutcomeKind::kNoConversion:
      return 0.0;
  }
  return 0.0;
}

std::optional<LoggedDesign> logged_design(const store::DecisionRecord& d) {
  boost::system::error_code ec;
  auto v = boost::json::parse(d.context, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* x = v.as_object().if_contains("x");
  const auto* names = v.as_object().if_contains("names");
  if (!x || !x->is_array() || !names || !names->is_array()) return std::nullopt;
  LoggedDesign out;
  for (const auto& e : x->as_array()) {
    if (!e.is_number()) return std::nullopt;
    out.x.push_back(e.to_number<double>());
  }
  for (const auto& e : names->as_array()) {
    if (!e.is_string()) return std::nullopt;
    out.names.emplace_back(e.as_string());
  }
  if (out.names.size() != out.x.size()) return std::nullopt;
  return out;
}

}  // namespace icrm::decide
