// The demo business's hidden response to a next step: how a lead's chance of
// converting changes with the touch the team chooses (a call, an email, a
// personalised offer, or automated nurturing), and what the deal is worth.
// Part of the demo's ground truth (docs/demo-data.md, "Response to the next
// step"); the decision simulator plays policies against it, and no policy may
// read it.
#pragma once

#include <array>

#include "ingest/demo_generator.h"

namespace icrm::ingest {

// The touches, in the order decide::Action uses.
enum class DemoTouch { kCall = 0, kEmail = 1, kOffer = 2, kNurture = 3 };
inline constexpr std::size_t kDemoTouchCount = 4;

// The logit added to true_conversion_probability's when the lead gets `touch`.
double true_touch_effect(const LeadTruth& lead, DemoTouch touch);
// P(convert | lead, touch).
double true_touch_conversion_probability(const LeadTruth& lead, DemoTouch touch);
// The deal's value in EUR when the lead converts (the lead's expected value,
// as generate_demo stores it in expected_value_minor).
double demo_deal_value_eur(const LeadTruth& lead);

}  // namespace icrm::ingest
