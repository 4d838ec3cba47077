#include "decide/lead_features.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "decide/decision_context.h"

namespace icrm::decide {

namespace {

// The company size log10_employees is centred on (a small business).
constexpr double kTypicalEmployees = 30;
constexpr double kMaxEmployees = 1'000'000;
constexpr double kMaxAgeMonths = 12;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

const LeadFeatureSpec& LeadFeatureSpec::standard() {
  static const LeadFeatureSpec spec({"web", "ads", "referral", "event", "cold"});
  return spec;
}

LeadFeatureSpec::LeadFeatureSpec(std::vector<std::string> sources) : sources_(std::move(sources)) {
  for (const std::string& s : sources_) names_.push_back("source_" + s);
  for (const char* n : {"log10_employees", "page_views_30d", "email_opens_30d", "email_clicks_30d",
                        "form_submitted_30d", "meeting_30d", "age_months", "quiet_30d"})
    names_.emplace_back(n);
}

std::vector<std::string> LeadFeatureSpec::design_names() const {
  std::vector<std::string> out(kDesignNames.begin(), kDesignNames.end());
  out.insert(out.end(), names_.begin(), names_.end());
  return out;
}

std::vector<double> LeadFeatureSpec::encode(const LeadSignals& s) const {
  std::vector<double> x;
  x.reserve(names_.size());
  const std::string source = s.source ? lower(*s.source) : std::string();
  for (const std::string& known : sources_) x.push_back(source == known ? 1.0 : 0.0);
  x.push_back(s.employees && std::isfinite(*s.employees)
                  ? std::log10(std::clamp(*s.employees, 1.0, kMaxEmployees) / kTypicalEmployees)
                  : 0.0);
  for (int n : {s.page_views, s.email_opens, s.email_clicks})
    x.push_back(std::log1p(std::max(0, n)));
  x.push_back(s.form_submits > 0 ? 1.0 : 0.0);
  x.push_back(s.meetings > 0 ? 1.0 : 0.0);
  x.push_back(std::clamp(s.age_days / 30, 0.0, kMaxAgeMonths));
  const double window = static_cast<double>(kEngagementWindow.count());
  x.push_back(s.days_since_last_event ? std::clamp(*s.days_since_last_event / window, 0.0, 1.0)
                                      : 1.0);
  return x;
}

}  // namespace icrm::decide
