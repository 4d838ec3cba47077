// Trainer: one training run on a table — target, split, schema, feature spec,
// every requested model plus the rule baseline, thresholds and calibration on
// validation rows, metrics on held-out test rows — producing the ModelBundle
// to save and the report to print. Used by `insightcrm train --csv`.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "features/schema.h"
#include "features/table.h"
#include "models/logistic_regression.h"
#include "models/model_bundle.h"
#include "models/xgboost_booster.h"

namespace icrm::models {

// Leaf-wise boosted trees: up to 31 leaves, no depth cap, at least 2 of
// hessian per leaf.
inline BoosterParams leafwise_booster() {
  BoosterParams p;
  p.max_depth = 0;
  p.max_leaves = 31;
  p.min_child_weight = 2;
  return p;
}

struct TrainOptions {
  std::string target;
  std::string positive;  // empty: inferred (yes/true/1, else the rarer value)
  std::set<std::string> exclude;
  std::map<std::string, features::ColumnKind> kinds;
  std::vector<std::string> models = {"weighted", "lr", "gbdt",
                                     "hybrid"};  // the rule baseline always runs
  double split = 0.8;                            // share of rows for training
  double validation = 0.2;  // share of the training rows held for early stopping/thresholds
  std::uint64_t seed = 42;
  std::string time_column;                           // set: time-ordered split on this column
  double alpha = -1;                                 // hybrid α; < 0: chosen on validation rows
  std::optional<boost::json::value> weights_config;  // expert weights for "weighted"
  bool calibrate = false;                            // also Platt-calibrate lr and gbdt
  // Train the boosted trees on a second thread, alongside the linear models
  // (the results are the same either way).
  bool parallel = true;
  // XGBoost threads for the boosted trees once the linear models are done
  // (before that, booster.nthread, as the linear models use the other core).
  // The trees are the same on any number of threads.
  int tree_threads_alone = 2;
  features::FitOptions fit;
  // The boosted trees' setting on data with fewer than large_data_rows fit
  // rows (depth-4 trees); from large_data_rows up, large_data_booster
  // (leaf-wise trees of up to 31 leaves, which win on larger data sets such
  // as bank marketing and lose on small ones such as telco churn —
  // bench/README.md "model_selection"). No large_data_booster: `booster`
  // whatever the size.
  BoosterParams booster;
  std::optional<BoosterParams> large_data_booster = leafwise_booster();
  std::size_t large_data_rows = 10'000;
  // Other settings tried for the boosted trees, each on the fit rows with
  // early stopping; the one with the best validation ROC-AUC (the setting
  // above included) is kept. None by default (each costs a probe).
  std::vector<BoosterParams> booster_alternatives;
  // Refit the chosen trees on all training rows (for 1/(1 - validation)
  // times the early-stopped rounds) instead of keeping the early-stopped
  // model trained on the fit rows.
  bool refit_trees = true;
  // The boosted trees read each categorical column as one category code and
  // split it by sets of categories (XGBoost's native categorical splits)
  // instead of reading its one-hot features one by one.
  bool category_splits = true;
  LogisticRegressionOptions lr;
  std::function<void(const std::string&)> progress;  // a line of progress for a terminal
};

struct ModelResult {
  std::string kind;
  BinaryMetrics test;
  double seconds = 0;
  std::string detail;  // "C=0.03", "212 trees", "alpha=0.3"
};

struct TrainingRun {
  ModelBundle bundle;
  std::vector<ModelResult> results;  // the rule baseline first
  std::vector<features::ColumnProfile> profiles;
  std::vector<std::string> warnings;
  std::size_t rows_train = 0, rows_valid = 0, rows_test = 0, rows_dropped = 0;
  double seconds = 0;
  // Per phase, in order ("schema", "features", "lr", ...), for --verbose:
  // wall seconds and the CPU seconds of the thread that ran it (on a shared
  // machine the CPU figure is the one that measures the code).
  struct Phase {
    std::string name;
    double seconds = 0;
    double cpu_seconds = 0;
  };
  std::vector<Phase> phases;

  boost::json::object report() const;
};

inline constexpr std::size_t kMinTrainingRows = 20;
const std::set<std::string>& known_model_kinds();

Result<TrainingRun> train_models(const features::Table& table, const TrainOptions& options);

}  // namespace icrm::models
