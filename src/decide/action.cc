#include "decide/action.h"

namespace icrm::decide {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kCall:
      return "call";
    case Action::kEmail:
      return "email";
    case Action::kOffer:
      return "offer";
    case Action::kNurture:
      return "nurture";
  }
  return "?";
}

std::optional<Action> parse_action(std::string_view name) {
  for (Action a : kActions)
    if (action_name(a) == name) return a;
  return std::nullopt;
}

bool is_automated(Action a) { return a == Action::kEmail || a == Action::kNurture; }

}  // namespace icrm::decide
