// Booster: a thin RAII wrapper over one XGBoost booster (C API). The only file
// that includes xgboost/c_api.h is xgboost_booster.cc; every non-zero return
// code becomes an Error carrying XGBGetLastError().
//
// Prediction on a trained booster is thread-safe (XGBoost 1.7 guarantees it
// for inplace prediction). Do not keep a Booster in static storage: freeing it
// during static destruction crashes inside XGBoost 1.7 (seen in scoring_bench).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "features/feature_spec.h"

namespace icrm::models {

// Defaults chosen on validation folds of the training rows (bench/model_selection.cc,
// bench/README.md): eta 0.1 on every row and column matches eta 0.05 with 0.8
// subsampling in AUC with about half the rounds; 5 rounds of patience are
// as good as or better than 10, 20 or 40 on the validation folds of bank
// marketing with and without duration and telco (seventh round), and stop
// the probe 15 rounds sooner than 20.
struct BoosterParams {
  int max_rounds = 1000;
  int early_stopping_rounds = 5;
  double eta = 0.1;
  int max_depth = 4;
  double subsample = 1;
  double colsample_bytree = 1;
  double min_child_weight = 1;
  double lambda = 1;
  int max_bin = 256;
  // Category columns (BoosterData's `categorical`) with fewer categories than
  // this are split one category against the rest, as one-hot features would
  // be; others by partitions into two sets. Always one against the rest by
  // default: on validation folds of bank marketing, partitions (XGBoost's
  // default, 4) lost 0.004 ROC-AUC (bench/README.md "model_selection").
  int max_cat_to_onehot = 1 << 16;
  // > 0: grow trees leaf by leaf (XGBoost's "lossguide") up to this many
  // leaves, with max_depth as a cap (0: no cap); 0: depth-wise growth.
  int max_leaves = 0;
  int nthread = 1;  // more threads spin and lose on a busy machine; raise with --threads
  // When set, read before every round: the threads to train the following
  // rounds on (another thread raises it once its own work is done). The
  // trees do not depend on it: XGBoost 1.7's hist method grows the same
  // trees on any number of threads (ModelsTest.BoosterGrowsTheSameTreesOnAnyNumberOfThreads).
  const std::atomic<int>* thread_budget = nullptr;
  // Without validation rows, when valid(): train until this number of
  // rounds is known and reached (up to max_rounds), then keep exactly that
  // many — a final fit on all rows that runs alongside the early-stopped
  // probe whose best round sets it.
  std::shared_future<int> stop_at_rounds;
  std::uint64_t seed = 42;
};

// Training rows (and validation rows for early stopping) as XGBoost holds
// them, built once and shared by boosters trained ONE AFTER ANOTHER on them
// (never at the same time: XGBoost fills the data's histogram bins lazily).
// The second booster skips the copy and, with the same max_bin, the
// quantile sketch. Copies share the data.
class BoosterData {
 public:
  // No validation rows (valid.rows == 0): boosters train exactly max_rounds.
  // `categorical` (empty, or one flag per column): the flagged columns hold
  // category codes 0, 1, 2, … (NaN: missing), split by sets of categories
  // (XGBoost's native categorical splits) instead of by thresholds.
  static Result<BoosterData> make(const features::Matrix& train, std::span<const float> train_y,
                                  const features::Matrix& valid, std::span<const float> valid_y,
                                  std::span<const std::uint8_t> categorical = {});
  std::size_t cols() const { return cols_; }
  bool has_validation() const { return has_validation_; }

 private:
  friend class Booster;
  struct Handles;
  std::shared_ptr<Handles> h_;
  std::size_t cols_ = 0;
  bool has_validation_ = false;
};

class Booster {
 public:
  // Called after every round with the validation log-loss.
  using Progress = std::function<void(int round, double valid_logloss)>;

  // Trains with early stopping on the validation rows and keeps the best
  // rounds; with no validation rows, trains exactly params.max_rounds (or
  // params.stop_at_rounds).
  static Result<Booster> train(const features::Matrix& train, std::span<const float> train_y,
                               const features::Matrix& valid, std::span<const float> valid_y,
                               const BoosterParams& params, const Progress& progress = {});
  static Result<Booster> train(const BoosterData& data, const BoosterParams& params,
                               const Progress& progress = {});
  // Loads what save() wrote.
  static Result<Booster> load(std::string_view bytes, int nthread = 1);

  Booster(Booster&&) noexcept;
  Booster& operator=(Booster&&) noexcept;
  ~Booster();

  // The model as XGBoost's UBJSON bytes.
  Result<std::string> save() const;
  // The model as XGBoost's JSON (what TreeForest reads).
  Result<std::string> save_json() const;
  // Probabilities for `rows` dense rows (NaN = missing).
  Status predict(const float* x, std::size_t rows, std::size_t cols, double* out) const;
  // SHAP contributions in log-odds: rows × (cols + 1), the bias last.
  // `categorical`: as in BoosterData::make (the columns the trees split by sets).
  Status contributions(const float* x, std::size_t rows, std::size_t cols, std::vector<float>& out,
                       std::span<const std::uint8_t> categorical = {}) const;
  int rounds() const { return rounds_; }
  std::size_t features() const { return features_; }

 private:
  struct Handle;
  Booster() = default;
  std::unique_ptr<Handle> h_;
  int rounds_ = 0;
  std::size_t features_ = 0;
};

}  // namespace icrm::models
