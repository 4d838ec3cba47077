// The static policy of the papers' Table VI: High → direct call, Medium →
// follow-up email, Low → automated nurturing. With `exploration` ε > 0 it
// is ε-soft — the rule's action with probability 1 − ε + ε/4, each other
// action ε/4 — which is how a team running the rules can still log
// decisions that off-policy evaluation can learn other policies' values from
// (a deterministic logger gives no evidence about actions it never takes).
#pragma once

#include "decide/action.h"
#include "decide/tier.h"

namespace icrm::decide {

Action table_vi_action(Tier tier);
// REQUIRES: 0 <= exploration <= 1.
ActionProbabilities rules_probabilities(Tier tier, double exploration = 0);
ActionProbabilities uniform_probabilities();

}  // namespace icrm::decide
