#include "decide/rules_policy.h"

namespace icrm::decide {

Action table_vi_action(Tier tier) {
  switch (tier) {
    case Tier::kHigh:
      return Action::kCall;
    case Tier::kMedium:
      return Action::kEmail;
    case Tier::kLow:
      break;
  }
  return Action::kNurture;
}

ActionProbabilities rules_probabilities(Tier tier, double exploration) {
  ActionProbabilities p;
  p.fill(exploration / kActionCount);
  p[index(table_vi_action(tier))] += 1 - exploration;
  return p;
}

ActionProbabilities uniform_probabilities() {
  ActionProbabilities p;
  p.fill(1.0 / kActionCount);
  return p;
}

}  // namespace icrm::decide
