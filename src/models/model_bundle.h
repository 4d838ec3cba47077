// ModelBundle: what `insightcrm train` writes and `predict` reads — the feature
// spec, every trained model with its calibration and decision threshold, and
// the test metrics — as one JSON file with a format version. Files from
// another format version, or damaged ones, are refused with a clear message.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "features/feature_spec.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/platt_calibrator.h"

namespace icrm::models {

inline constexpr std::string_view kModelFormat = "insightcrm-model";
// Version 2: boosted trees may split a categorical column's block by
// category (GbdtModel's "groups"); a version-1 binary would read such trees
// as one-hot splits and score them wrongly, so it must refuse them. Version-1
// files (no groups) are still read.
inline constexpr int kModelFormatVersion = 2;
inline constexpr int kOldestModelFormatVersion = 1;
inline constexpr std::size_t kMaxModelFileBytes = 512u << 20;

struct ScoredModel {
  std::unique_ptr<Model> model;
  std::optional<PlattCalibrator>
      calibration;                    // set when score() is not a probability, or asked for
  double threshold = 0.5;             // chosen on validation rows (max F1)
  double warm_threshold = 0;          // below `threshold`, above this: "warm" (base rate)
  std::optional<BinaryMetrics> test;  // held-out metrics at training time

  // Scores and probabilities for rows of x.
  void predict(const float* x, std::size_t rows, std::size_t cols, double* score,
               double* probability) const;
  // The probability of one of the model's scores (calibrated when there is a calibration).
  double probability(double score) const { return calibration ? calibration->apply(score) : score; }
};

struct ModelBundle {
  std::string target;
  std::string positive;  // the target value that counts as 1
  std::string created_at;
  features::FeatureSpec spec;
  std::vector<ScoredModel> models;
  std::string primary;  // the kind `predict` uses unless told otherwise

  const ScoredModel* find(std::string_view kind) const;
};

boost::json::object bundle_to_json(const ModelBundle& bundle);
Result<ModelBundle> bundle_from_json(std::string_view text);
Status save_bundle(const ModelBundle& bundle, const std::string& path);
Result<ModelBundle> load_bundle(const std::string& path);

}  // namespace icrm::models
