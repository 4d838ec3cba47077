// Metrics of a binary classifier on held-out rows: the papers' accuracy,
// precision, recall and F1 (at 0.5 and at a threshold picked on validation
// data), and ROC-AUC, PR-AUC, log-loss, Brier, a calibration table and lift.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <span>
#include <vector>

namespace icrm::models {

struct Confusion {
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  double accuracy() const;
  double precision() const;
  double recall() const;
  double f1() const;
};

struct CalibrationBin {
  double lower = 0, upper = 0;  // predicted probability range
  std::size_t count = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
};

struct BinaryMetrics {
  std::size_t rows = 0, positives = 0;
  double threshold = 0.5;  // the tuned threshold (chosen on validation data)
  Confusion at_half;       // at probability 0.5
  Confusion at_threshold;  // at `threshold`
  double roc_auc = 0, pr_auc = 0, log_loss = 0, brier = 0;
  std::vector<CalibrationBin> calibration;       // 10 equal-width bins of probability
  double lift_10 = 0, lift_20 = 0, lift_50 = 0;  // positive rate in the top k% / base rate

  boost::json::object to_json() const;
};

Confusion confusion_at(std::span<const double> probability, std::span<const float> label,
                       double threshold);
// Area under the ROC curve; ties count one half. 0.5 when a class is absent.
double roc_auc(std::span<const double> score, std::span<const float> label);
// Average precision (area under the precision-recall curve, step-wise).
double pr_auc(std::span<const double> score, std::span<const float> label);
// Share of positives among the top `fraction` of rows by score, over the base rate.
double lift_at(std::span<const double> score, std::span<const float> label, double fraction);
// The probability threshold that maximises F1 on these rows (pick it on validation rows).
double best_f1_threshold(std::span<const double> probability, std::span<const float> label);

// `score` ranks (AUC, lift); `probability` is judged (log-loss, Brier, calibration, F1).
BinaryMetrics evaluate(std::span<const double> score, std::span<const double> probability,
                       std::span<const float> label, double threshold);

}  // namespace icrm::models
