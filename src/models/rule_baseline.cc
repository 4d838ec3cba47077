#include "models/rule_baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "features/json_fields.h"

namespace icrm::models {
namespace {

struct Candidate {
  Rule rule;
  double strength = 0;  // excess conversion rate × sqrt(support)
  std::size_t group = 0;
};

}  // namespace

RuleBaseline::RuleBaseline(std::vector<Rule> rules) : rules_(std::move(rules)) {
  max_points_ = 0;
  for (const auto& r : rules_) max_points_ += r.points;
  max_points_ = std::max(max_points_, 1);
}

std::unique_ptr<RuleBaseline> RuleBaseline::learn(const Dataset& data, const std::vector<std::string>& names,
                                                  const std::vector<std::size_t>& group) {
  const auto& x = *data.x;
  const std::size_t n = x.rows;
  double positives = 0;
  for (float y : data.y) positives += y;
  const double base = n ? positives / double(n) : 0;
  std::vector<Candidate> candidates;
  std::vector<float> column(n);
  for (std::size_t j = 0; j < x.cols; ++j) {
    for (std::size_t r = 0; r < n; ++r) column[r] = x.row(r)[j];
    // Thresholds at the quartiles and, for 0/1 features, "is set". Only the
    // three order statistics are needed: selections, not a sort (the middle
    // one first, then each outer one within its side).
    std::vector<float> sorted = column;
    auto at = [&](double q) { return sorted.begin() + static_cast<std::ptrdiff_t>(std::min(n - 1, std::size_t(q * double(n)))); };
    std::set<float> thresholds;
    if (n > 0) {
      std::nth_element(sorted.begin(), at(0.5), sorted.end());
      if (at(0.25) < at(0.5)) std::nth_element(sorted.begin(), at(0.25), at(0.5));
      if (at(0.75) > at(0.5)) std::nth_element(at(0.5) + 1, at(0.75), sorted.end());
      for (double q : {0.25, 0.5, 0.75}) thresholds.insert(*at(q));
    }
    for (float t : thresholds) {
      for (bool above : {true, false}) {
        double hit = 0, hit_pos = 0;
        for (std::size_t r = 0; r < n; ++r)
          if (above ? column[r] >= t : column[r] <= t) {
            hit += 1;
            hit_pos += data.y[r];
          }
        if (hit < 0.02 * double(n) || hit > 0.8 * double(n)) continue;
        double rate = hit_pos / hit;
        if (rate <= base) continue;
        double lift = base > 0 ? rate / base : 1;
        Candidate c;
        c.rule.feature = j;
        c.rule.threshold = t;
        c.rule.above = above;
        c.rule.name = fmt::format("{} {} {:.3g}", names[j], above ? ">=" : "<=", t);
        c.rule.points = lift >= 2 ? 3 : lift >= 1.5 ? 2 : 1;
        c.strength = (rate - base) * std::sqrt(hit / double(n));
        c.group = group[j];
        candidates.push_back(std::move(c));
      }
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.strength > b.strength; });
  std::vector<Rule> rules;
  std::set<std::size_t> used;
  for (auto& c : candidates) {
    if (rules.size() == kMaxBaselineRules) break;
    if (!used.insert(c.group).second) continue;
    rules.push_back(std::move(c.rule));
  }
  return std::make_unique<RuleBaseline>(std::move(rules));
}

void RuleBaseline::score(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    int points = 0;
    for (const auto& rule : rules_)
      if (rule.above ? row[rule.feature] >= rule.threshold : row[rule.feature] <= rule.threshold)
        points += rule.points;
    out[r] = double(points) / double(max_points_);
  }
}

void RuleBaseline::contributions(const float* row, std::size_t cols, std::span<double> out) const {
  std::fill(out.begin(), out.end(), 0.0);
  for (const auto& rule : rules_)
    if (rule.above ? row[rule.feature] >= rule.threshold : row[rule.feature] <= rule.threshold)
      out[rule.feature] += rule.points;
}

boost::json::object RuleBaseline::to_json() const {
  boost::json::array rules;
  for (const auto& r : rules_)
    rules.push_back({{"feature", r.feature}, {"name", r.name}, {"threshold", r.threshold},
                     {"above", r.above}, {"points", r.points}});
  return {{"kind", "rule"}, {"rules", std::move(rules)}};
}

Result<std::unique_ptr<RuleBaseline>> RuleBaseline::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model rule");
  const auto& arr = f.arr("rules");
  if (!f.ok()) return f.error();
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    features::JsonFields r(arr[i], fmt::format("model rule: rules[{}]", i));
    Rule rule;
    auto feature = r.integer("feature");
    rule.name = r.str("name");
    rule.threshold = r.num("threshold");
    rule.above = r.boolean("above");
    rule.points = static_cast<int>(r.integer("points"));
    if (!r.ok()) return r.error();
    if (feature < 0) return Error::invalid("model rule: negative feature index");
    rule.feature = static_cast<std::size_t>(feature);
    rules.push_back(std::move(rule));
  }
  return std::make_unique<RuleBaseline>(std::move(rules));
}

}  // namespace icrm::models
