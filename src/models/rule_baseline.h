// RuleBaseline: what a traditional CRM's lead score does — a handful of
// "if this, add N points" rules on engagement thresholds — so every learned
// model is judged against it. The rules are picked the way a marketer would:
// the few attributes whose high (or present) values go with conversion most
// strongly on the training rows, one rule per source column, 1–3 points each
// by lift. score() is points / maximum points.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace icrm::models {

inline constexpr std::size_t kMaxBaselineRules = 5;

struct Rule {
  std::size_t feature = 0;
  std::string name;  // "poutcome=success >= 0.5"
  double threshold = 0;
  bool above = true;  // fires when x >= threshold (else x <= threshold)
  int points = 1;
};

class RuleBaseline final : public Model {
 public:
  // `group[j]`: the source column of feature j (one rule per column).
  static std::unique_ptr<RuleBaseline> learn(const Dataset& data,
                                             const std::vector<std::string>& names,
                                             const std::vector<std::size_t>& group);
  static Result<std::unique_ptr<RuleBaseline>> from_json(const boost::json::value& json);

  explicit RuleBaseline(std::vector<Rule> rules);

  std::string_view kind() const override { return "rule"; }
  void score(const float* x, std::size_t rows, std::size_t cols, double* out) const override;
  bool scores_are_probabilities() const override { return false; }
  void contributions(const float* row, std::size_t cols, std::span<double> out) const override;
  std::string_view contribution_unit() const override { return "points"; }
  boost::json::object to_json() const override;
  bool fits_width(std::size_t cols) const override {
    for (const auto& r : rules_)
      if (r.feature >= cols) return false;
    return true;
  }

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
  int max_points_ = 1;
};

}  // namespace icrm::models
