// LeadFeatureSpec: the lead's own features as the next-best-action bandit
// sees them, beyond its score and tier — where it came from, how big the
// company is, how it engaged lately and how old and how quiet it is — in one
// fixed, named order. The live DecisionService and the simulator both encode
// through it, so the order the bandit learned in is the order it decides in,
// the order in the decision log's context ("names"), and the order the
// persisted posteriors are stored for (their "features", checked on load).
//
// Encoding (every feature about unit scale and 0 for "typical or unknown",
// so the bandit's prior N(0, sd²) on each coefficient means the same for each):
//   source_<s>            1 when the lead's source is s (case-insensitive), for
//                         each source of the vocabulary in order; an unknown
//                         or missing source has all of them 0
//   log10_employees       log10(employees / 30), employees clamped to
//                         [1, 1,000,000] (attribute "employees"); 0 when unknown
//   page_views_30d        ln(1 + page_view events in the last 30 days)
//   email_opens_30d       ln(1 + email_open events in them)
//   email_clicks_30d      ln(1 + email_click events in them)
//   form_submitted_30d    1 when a form_submit event came in them
//   meeting_30d           1 when a meeting event came in them
//   age_months            days since the lead was created / 30, at most 12
//   quiet_30d             days since its newest event / 30, at most 1 (1: none in 30 days)
// Immutable; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace icrm::decide {

// The window the engagement counts cover (the "_30d" in their names).
inline constexpr std::chrono::days kEngagementWindow{30};

// What a lead's features are computed from, read from its record and its
// events (DecisionService) or from the simulated truth.
struct LeadSignals {
  std::optional<std::string> source;
  std::optional<double> employees;
  double age_days = 0;  // since the lead was created
  // Events of each type in the last kEngagementWindow.
  int page_views = 0, email_opens = 0, email_clicks = 0, form_submits = 0, meetings = 0;
  std::optional<double> days_since_last_event;  // nullopt: none in the window
};

class LeadFeatureSpec {
 public:
  // The vocabulary every deployment uses unless built otherwise: the demo's
  // and the importer's sources web, ads, referral, event, cold.
  static const LeadFeatureSpec& standard();
  // REQUIRES: distinct, non-empty, lower-case sources.
  explicit LeadFeatureSpec(std::vector<std::string> sources);

  // The features' names in order (without the design's prefix).
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  // The whole design vector's names: logit_p, tier_high, tier_medium, tier_low, then names().
  std::vector<std::string> design_names() const;
  // The features in names() order.
  std::vector<double> encode(const LeadSignals& s) const;

 private:
  std::vector<std::string> sources_;
  std::vector<std::string> names_;
};

}  // namespace icrm::decide
