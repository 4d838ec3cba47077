// Expected utility of engaging a lead (paper eq. 22): U(L, a) = P(y=1|x, a)·V − C(a),
// with C per action from the admin's settings and V the lead's expected
// value. A lead whose utility is negative for every active step (call, email,
// offer) is left to nurturing.
#pragma once

#include <string>

#include "core/result.h"
#include "decide/action.h"

namespace icrm::decide {

// What one step costs, in the currency of V (EUR in the demo): a rep's time
// for a call or an offer, a campaign slot for an email, next to nothing for
// a nurture step. Defaults keep call > offer > email > nurture.
struct ActionCosts {
  PerAction cost = {40.0, 5.0, 25.0, 1.0};  // call, email, offer, nurture
  double of(Action a) const { return cost[index(a)]; }
};
// Every cost finite and >= 0, at most kMaxActionCost; errors name "costs.<action>".
inline constexpr double kMaxActionCost = 1e9;
Status validate(const ActionCosts& c);

double expected_utility(double probability, double value, double cost);

struct UtilityChoice {
  PerAction utility{};  // U(L, a) for each action
  Action action = Action::kNurture;
  std::string reason;
};
// The action of highest utility; nurture when every active step's utility
// is negative. `probability` is P(y=1|x, a) per action.
UtilityChoice choose_by_utility(const PerAction& probability, double value,
                                const ActionCosts& costs);

}  // namespace icrm::decide
