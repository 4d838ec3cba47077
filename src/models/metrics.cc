#include "models/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace icrm::models {
namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::vector<std::size_t> order_by_score_desc(std::span<const double> score) {
  std::vector<std::size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  return idx;
}

}  // namespace

double Confusion::accuracy() const { return ratio(double(tp + tn), double(tp + tn + fp + fn)); }
double Confusion::precision() const { return ratio(double(tp), double(tp + fp)); }
double Confusion::recall() const { return ratio(double(tp), double(tp + fn)); }
double Confusion::f1() const { return ratio(2.0 * double(tp), double(2 * tp + fp + fn)); }

Confusion confusion_at(std::span<const double> probability, std::span<const float> label,
                       double threshold) {
  Confusion c;
  for (std::size_t i = 0; i < label.size(); ++i) {
    bool predicted = probability[i] >= threshold;
    bool actual = label[i] > 0.5f;
    if (predicted && actual)
      ++c.tp;
    else if (predicted)
      ++c.fp;
    else if (actual)
      ++c.fn;
    else
      ++c.tn;
  }
  return c;
}

double roc_auc(std::span<const double> score, std::span<const float> label) {
  std::vector<std::size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  // Mann-Whitney U with average ranks for ties.
  double rank_sum = 0;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && score[idx[j]] == score[idx[i]]) ++j;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (label[idx[k]] > 0.5f) {
        rank_sum += avg_rank;
        ++pos;
      }
    i = j;
  }
  const std::size_t neg = idx.size() - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - static_cast<double>(pos) * static_cast<double>(pos + 1) / 2.0) /
         (static_cast<double>(pos) * static_cast<double>(neg));
}

double pr_auc(std::span<const double> score, std::span<const float> label) {
  auto idx = order_by_score_desc(score);
  std::size_t total_pos = 0;
  for (float l : label) total_pos += l > 0.5f;
  if (total_pos == 0) return 0;
  double ap = 0;
  std::size_t tp = 0, seen = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i, new_tp = 0;
    while (j < idx.size() && score[idx[j]] == score[idx[i]]) {
      new_tp += label[idx[j]] > 0.5f;
      ++j;
    }
    tp += new_tp;
    seen += j - i;
    ap += static_cast<double>(new_tp) / static_cast<double>(total_pos) *
          (static_cast<double>(tp) / static_cast<double>(seen));
    i = j;
  }
  return ap;
}

double lift_at(std::span<const double> score, std::span<const float> label, double fraction) {
  if (label.empty()) return 0;
  auto idx = order_by_score_desc(score);
  auto k =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::round(fraction * double(idx.size()))));
  std::size_t top = 0, all = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    bool p = label[idx[i]] > 0.5f;
    all += p;
    if (i < k) top += p;
  }
  double base = double(all) / double(idx.size());
  return base > 0 ? (double(top) / double(k)) / base : 0;
}

double best_f1_threshold(std::span<const double> probability, std::span<const float> label) {
  auto idx = order_by_score_desc(probability);
  std::size_t total_pos = 0;
  for (float l : label) total_pos += l > 0.5f;
  double best_f1 = -1, best = 0.5;
  std::size_t tp = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && probability[idx[j]] == probability[idx[i]]) {
      tp += label[idx[j]] > 0.5f;
      ++j;
    }
    // Predict positive for everything scored >= probability[idx[i]].
    double f1 = 2.0 * double(tp) / double(j + total_pos);
    if (f1 > best_f1) {
      best_f1 = f1;
      best = probability[idx[i]];
    }
    i = j;
  }
  return best;
}

BinaryMetrics evaluate(std::span<const double> score, std::span<const double> probability,
                       std::span<const float> label, double threshold) {
  BinaryMetrics m;
  m.rows = label.size();
  for (float l : label) m.positives += l > 0.5f;
  m.threshold = threshold;
  m.at_half = confusion_at(probability, label, 0.5);
  m.at_threshold = confusion_at(probability, label, threshold);
  m.roc_auc = roc_auc(score, label);
  m.pr_auc = pr_auc(score, label);
  constexpr double kEps = 1e-15;
  constexpr int kBins = 10;
  m.calibration.resize(kBins);
  for (int b = 0; b < kBins; ++b) {
    m.calibration[b].lower = b / double(kBins);
    m.calibration[b].upper = (b + 1) / double(kBins);
  }
  std::vector<double> positives(kBins, 0);
  for (std::size_t i = 0; i < label.size(); ++i) {
    double p = std::clamp(probability[i], kEps, 1 - kEps);
    double y = label[i] > 0.5f ? 1 : 0;
    m.log_loss -= y * std::log(p) + (1 - y) * std::log(1 - p);
    m.brier += (probability[i] - y) * (probability[i] - y);
    int b = std::clamp(static_cast<int>(probability[i] * kBins), 0, kBins - 1);
    m.calibration[b].count++;
    m.calibration[b].mean_predicted += probability[i];
    positives[b] += y;
  }
  if (!label.empty()) {
    m.log_loss /= double(label.size());
    m.brier /= double(label.size());
  }
  for (int b = 0; b < kBins; ++b) {
    if (m.calibration[b].count == 0) continue;
    m.calibration[b].mean_predicted /= double(m.calibration[b].count);
    m.calibration[b].observed_rate = positives[b] / double(m.calibration[b].count);
  }
  m.lift_10 = lift_at(score, label, 0.1);
  m.lift_20 = lift_at(score, label, 0.2);
  m.lift_50 = lift_at(score, label, 0.5);
  return m;
}

boost::json::object BinaryMetrics::to_json() const {
  auto confusion = [](const Confusion& c) {
    return boost::json::object{{"accuracy", c.accuracy()},
                               {"precision", c.precision()},
                               {"recall", c.recall()},
                               {"f1", c.f1()},
                               {"tp", c.tp},
                               {"fp", c.fp},
                               {"tn", c.tn},
                               {"fn", c.fn}};
  };
  boost::json::array bins;
  for (const auto& b : calibration)
    bins.push_back({{"lower", b.lower},
                    {"upper", b.upper},
                    {"count", b.count},
                    {"mean_predicted", b.mean_predicted},
                    {"observed_rate", b.observed_rate}});
  return {{"rows", rows},
          {"positives", positives},
          {"threshold", threshold},
          {"at_0_5", confusion(at_half)},
          {"at_threshold", confusion(at_threshold)},
          {"roc_auc", roc_auc},
          {"pr_auc", pr_auc},
          {"log_loss", log_loss},
          {"brier", brier},
          {"calibration", std::move(bins)},
          {"lift", {{"top_10", lift_10}, {"top_20", lift_20}, {"top_50", lift_50}}}};
}

}  // namespace icrm::models
