#include "models/rule_baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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

std::unique_ptr<RuleBaseline> RuleBaseline::learn(const Dataset& data,
                                                  const std::vector<std::string>& names,
                                                  const std::vector<std::size_t>& group) {
  const auto& x = *data.x;
  const std::size_t n = x.rows;
  double positives = 0;
  for (float y : data.y) positives += y;
  const double base = n ? positives / double(n) : 0;
  // One pass over the rows counts, per feature, its zeros and ones and the
  // positives among the ones: enough for a 0/1 feature (most of them:
  // one-hots, missing flags, thresholds), whose quartiles and rules follow
  // from the counts. Only the other features are gathered, one at a time.
  std::vector<std::size_t> zeros(x.cols, 0), ones(x.cols, 0);
  std::vector<double> ones_positive(x.cols, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = x.row(r);
    const float y = data.y[r];
    for (std::size_t j = 0; j < x.cols; ++j) {
      zeros[j] += row[j] == 0.f;
      ones[j] += row[j] == 1.f;
      ones_positive[j] += row[j] == 1.f ? y : 0.f;
    }
  }
  std::vector<Candidate> candidates;
  std::vector<float> column, sorted;
  for (std::size_t j = 0; j < x.cols && n > 0; ++j) {
    // Thresholds at the quartiles and, for 0/1 features, "is set". Only the
    // three order statistics are needed: counted for a 0/1 feature,
    // otherwise selected, not sorted (the middle one first, then each outer
    // one within its side).
    const std::array<double, 3> quartiles = {0.25, 0.5, 0.75};
    auto index = [&](double q) { return std::min(n - 1, std::size_t(q * double(n))); };
    const bool binary = zeros[j] + ones[j] == n;
    std::array<float, 3> at{};
    if (binary) {
      for (std::size_t k = 0; k < 3; ++k) at[k] = index(quartiles[k]) < zeros[j] ? 0.f : 1.f;
    } else {
      column.resize(n);
      for (std::size_t r = 0; r < n; ++r) column[r] = x.row(r)[j];
      sorted = column;
      auto it = [&](double q) { return sorted.begin() + static_cast<std::ptrdiff_t>(index(q)); };
      std::nth_element(sorted.begin(), it(0.5), sorted.end());
      if (it(0.25) < it(0.5)) std::nth_element(sorted.begin(), it(0.25), it(0.5));
      if (it(0.75) > it(0.5)) std::nth_element(it(0.5) + 1, it(0.75), sorted.end());
      for (std::size_t k = 0; k < 3; ++k) at[k] = *it(quartiles[k]);
    }
    // The distinct thresholds in ascending order; for each, the rows at or
    // above it and at or below it, and the positives among them.
    std::sort(at.begin(), at.end());
    const std::size_t distinct =
        static_cast<std::size_t>(std::unique(at.begin(), at.end()) - at.begin());
    std::array<double, 3> hit_above{}, pos_above{}, hit_below{}, pos_below{};
    if (binary) {
      for (std::size_t k = 0; k < distinct; ++k) {
        const bool one = at[k] == 1.f;
        hit_above[k] = double(one ? ones[j] : n);
        pos_above[k] = one ? ones_positive[j] : positives;
        hit_below[k] = double(one ? n : zeros[j]);
        pos_below[k] = one ? positives : positives - ones_positive[j];
      }
    } else {
      for (std::size_t r = 0; r < n; ++r) {
        const float v = column[r];
        const double y = data.y[r];
        for (std::size_t k = 0; k < distinct; ++k) {
          if (v >= at[k]) {
            hit_above[k] += 1;
            pos_above[k] += y;
          }
          if (v <= at[k]) {
            hit_below[k] += 1;
            pos_below[k] += y;
          }
        }
      }
    }
    for (std::size_t k = 0; k < distinct; ++k) {
      for (bool above : {true, false}) {
        const double hit = above ? hit_above[k] : hit_below[k];
        const double hit_pos = above ? pos_above[k] : pos_below[k];
        if (hit < 0.02 * double(n) || hit > 0.8 * double(n)) continue;
        double rate = hit_pos / hit;
        if (rate <= base) continue;
        double lift = base > 0 ? rate / base : 1;
        Candidate c;
        c.rule.feature = j;
        c.rule.threshold = at[k];
        c.rule.above = above;
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
    c.rule.name = fmt::format("{} {} {:.3g}", names[c.rule.feature],
                              c.rule.above ? ">=" : "<=", c.rule.threshold);
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
    rules.push_back({{"feature", r.feature},
                     {"name", r.name},
                     {"threshold", r.threshold},
                     {"above", r.above},
                     {"points", r.points}});
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
