#include "ingest/demo_response.h"

#include <algorithm>
#include <cmath>

namespace icrm::ingest {

double true_touch_effect(const LeadTruth& l, DemoTouch touch) {
  const double size = std::log10(std::max(1, l.employees));
  switch (touch) {
    case DemoTouch::kCall:  // larger companies want a person; cold leads resent a call
      return 0.2 + 0.3 * (size - 1.5) - 0.7 * (l.source == 4 ? 1 : 0);
    case DemoTouch::kEmail:  // readers who click respond to email
      return -0.2 + 0.25 * std::min(l.email_clicks, 4);
    case DemoTouch::kOffer:  // an offer works once there has been a meeting, and for referrals
      return -0.4 + 1.0 * (l.meeting_held ? 1 : 0) + 0.4 * (l.source == 2 ? 1 : 0);
    case DemoTouch::kNurture:
      return -0.5;
  }
  return 0;
}

double true_touch_conversion_probability(const LeadTruth& l, DemoTouch touch) {
  const double p = true_conversion_probability(l);
  const double z = std::log(p / (1 - p)) + true_touch_effect(l, touch);
  return 1 / (1 + std::exp(-z));
}

double demo_deal_value_eur(const LeadTruth& l) {
  return std::round(300 + 40 * std::sqrt(static_cast<double>(l.employees)));
}

}  // namespace icrm::ingest
