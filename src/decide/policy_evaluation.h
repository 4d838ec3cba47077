// Off-policy evaluation of the candidate policies from one decision log:
// uniform random, the static Table VI rules, and the bandit. The bandit is
// learned from the log itself by cross-fitting (trained on the even
// decisions, it is valued on the odd ones, and the other way round), so no
// decision's outcome both teaches the bandit and scores it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "decide/off_policy.h"
#include "decide/thompson_bandit.h"

namespace icrm::decide {

struct PolicyEstimate {
  std::string policy;  // random | rules | bandit
  Estimate ips, snips, dr;
};

// REQUIRES: validate_log(log) ok, log non-empty.
std::vector<PolicyEstimate> evaluate_policies(std::span<const LoggedDecision> log,
                                              const BanditConfig& bandit);

}  // namespace icrm::decide
