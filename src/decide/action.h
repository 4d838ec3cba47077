// Action: the next steps the decision stage chooses between (eq. 23's set,
// plus nurturing), and per-action arrays (probabilities, utilities, costs).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace icrm::decide {

enum class Action { kCall = 0, kEmail = 1, kOffer = 2, kNurture = 3 };
inline constexpr std::size_t kActionCount = 4;
inline constexpr std::array<Action, kActionCount> kActions = {Action::kCall, Action::kEmail,
                                                              Action::kOffer, Action::kNurture};

// One number per action, indexed by Action.
using PerAction = std::array<double, kActionCount>;
// A policy's distribution over actions for one lead; sums to one.
using ActionProbabilities = PerAction;

constexpr std::size_t index(Action a) { return static_cast<std::size_t>(a); }
std::string_view action_name(Action a);  // call | email | offer | nurture
std::optional<Action> parse_action(std::string_view name);
// Whether the step runs without a person (an email campaign step or a
// nurture sequence) rather than a rep's call or a rep's personalised offer.
bool is_automated(Action a);

}  // namespace icrm::decide
