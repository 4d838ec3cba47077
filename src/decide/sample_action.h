// Drawing an action from a policy's distribution, the one way every policy
// (bandit, ε-soft rules, random) and the simulator do it, so the logged
// propensity is always the probability the action was drawn with.
#pragma once

#include "core/random.h"
#include "decide/action.h"

namespace icrm::decide {

// REQUIRES: p sums to one (within rounding), at least one entry > 0. Never
// returns an action whose probability is 0.
Action sample_action(const ActionProbabilities& p, Rng& rng);

}  // namespace icrm::decide
