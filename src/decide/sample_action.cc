#include "decide/sample_action.h"

namespace icrm::decide {

Action sample_action(const ActionProbabilities& p, Rng& rng) {
  // Rounding can leave the sum a hair under 1: fall back on the last action
  // that has any chance.
  Action chosen = Action::kNurture;
  for (Action a : kActions)
    if (p[index(a)] > 0) chosen = a;
  double u = rng.uniform(), acc = 0;
  for (Action a : kActions) {
    acc += p[index(a)];
    if (u < acc && p[index(a)] > 0) return a;
  }
  return chosen;
}

}  // namespace icrm::decide
