#include "decide/utility.h"

#include <fmt/format.h>

#include <cmath>

namespace icrm::decide {

Status validate(const ActionCosts& c) {
  for (Action a : kActions) {
    double v = c.of(a);
    if (!std::isfinite(v) || v < 0 || v > kMaxActionCost)
      return Error::invalid(fmt::format("the cost of {} must be a number from 0 to {}",
                                        action_name(a), kMaxActionCost),
                            fmt::format("costs.{}", action_name(a)));
  }
  return {};
}

double expected_utility(double probability, double value, double cost) {
  return probability * value - cost;
}

UtilityChoice choose_by_utility(const PerAction& probability, double value,
                                const ActionCosts& costs) {
  UtilityChoice c;
  for (Action a : kActions)
    c.utility[index(a)] = expected_utility(probability[index(a)], value, costs.of(a));
  bool any_active_positive = false;
  for (Action a : {Action::kCall, Action::kEmail, Action::kOffer})
    any_active_positive = any_active_positive || c.utility[index(a)] >= 0;
  if (!any_active_positive) {
    c.action = Action::kNurture;
    c.reason = fmt::format(
        "every active step loses money (call {:.2f}, email {:.2f}, offer {:.2f}): nurture",
        c.utility[0], c.utility[1], c.utility[2]);
    return c;
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < kActionCount; ++i)
    if (c.utility[i] > c.utility[best]) best = i;
  c.action = kActions[best];
  c.reason = fmt::format("U = P·V − C is highest for {}: {:.4f}·{:.2f} − {:.2f} = {:.2f}",
                         action_name(c.action), probability[best], value, costs.cost[best],
                         c.utility[best]);
  return c;
}

}  // namespace icrm::decide
