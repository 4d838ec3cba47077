// The words of a stored decision (store::DecisionRecord) that every caller
// shares: what triggered it, how it ended and the reward the bandit learns
// from that, and the design vector its context logged. Pure functions; the
// service that decides and learns is app/decision_service.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/decision_store.h"

namespace icrm::decide {

enum class DecisionTrigger { kOnDemand, kBatch, kScoreEvent };
std::string_view trigger_name(DecisionTrigger t);  // on_demand | batch | score_event

enum class OutcomeKind { kConverted, kEngaged, kRejected, kNoConversion };
std::string_view outcome_name(OutcomeKind o);  // converted | engaged | rejected | no_conversion
std::optional<OutcomeKind> parse_outcome(std::string_view name);
// The reward the bandit learns: converted 1, engaged (a reply, a meeting, a
// click: the step got a response) 0.5, rejected and no conversion 0.
double default_reward(OutcomeKind o);

// The bandit's design vector for a decision as stored in its context
// ({"names": [...], "x": [...], "value": V}), or nullopt when the context
// does not hold one.
struct LoggedDesign {
  std::vector<std::string> names;
  std::vector<double> x;
};
std::optional<LoggedDesign> logged_design(const store::DecisionRecord& d);

}  // namespace icrm::decide
