// The decision log as a file: one JSON object per line (NDJSON), each a
// logged decision with its context, the action, its propensity and the
// outcome — what `insightcrm simulate --log` writes and `insightcrm
// eval-policy --log` reads. A line looks like
//   {"probability":0.31,"tier":"high","value":1200,"features":[0,1,2.1],
//    "action":"call","propensity":0.925,"reward":1}
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "decide/off_policy.h"

namespace icrm::decide {

inline constexpr std::size_t kMaxDecisionLogLineBytes = 64 * 1024;
inline constexpr std::size_t kMaxDecisionLogRecords = 10'000'000;
inline constexpr std::size_t kMaxDecisionFeatures = 256;

std::string to_json_line(const LoggedDecision& d);
// One line; errors name the field ("propensity", "features[2]", ...).
Result<LoggedDecision> parse_json_line(std::string_view line);

Status write_decision_log(const std::string& path, std::span<const LoggedDecision> log);
// Errors say "line N: ..." and name the field; blank lines are skipped.
Result<std::vector<LoggedDecision>> read_decision_log(const std::string& path);

}  // namespace icrm::decide
