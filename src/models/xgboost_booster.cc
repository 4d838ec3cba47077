#include "models/xgboost_booster.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

namespace icrm::models {
namespace {

Error xgb_error(std::string_view what) {
  return Error::internal(fmt::format("xgboost {}: {}", what, XGBGetLastError()));
}

void quiet_log(const char*) {}

void configure_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    XGBRegisterLogCallback(&quiet_log);
    XGBSetGlobalConfig(R"({"verbosity": 0})");
  });
}

struct DMatrix {
  DMatrixHandle h = nullptr;
  ~DMatrix() {
    if (h) XGDMatrixFree(h);
  }
};

Result<std::unique_ptr<DMatrix>> make_dmatrix(const features::Matrix& m, std::span<const float> y,
                                              std::span<const std::uint8_t> categorical = {}) {
  auto d = std::make_unique<DMatrix>();
  if (XGDMatrixCreateFromMat(m.data.data(), m.rows, m.cols, std::numeric_limits<float>::quiet_NaN(),
                             &d->h))
    return xgb_error("DMatrix");
  if (!y.empty() && XGDMatrixSetFloatInfo(d->h, "label", y.data(), y.size()))
    return xgb_error("labels");
  if (std::find(categorical.begin(), categorical.end(), 1) != categorical.end()) {
    if (categorical.size() != m.cols)
      return Error::invalid("boosted trees: a category flag per column expected");
    std::vector<const char*> types(m.cols);
    for (std::size_t j = 0; j < m.cols; ++j) types[j] = categorical[j] ? "c" : "q";
    if (XGDMatrixSetStrFeatureInfo(d->h, "feature_type", types.data(), types.size()))
      return xgb_error("feature types");
  }
  return d;
}

std::string dense_interface(const float* x, std::size_t rows, std::size_t cols) {
  return fmt::format(R"({{"data": [{}, true], "shape": [{}, {}], "typestr": "<f4", "version": 3}})",
                     reinterpret_cast<std::uintptr_t>(x), rows, cols);
}

}  // namespace

struct Booster::Handle {
  BoosterHandle h = nullptr;
  ~Handle() {
    if (h) XGBoosterFree(h);
  }
};

Booster::~Booster() = default;
Booster::Booster(Booster&&) noexcept = default;
Booster& Booster::operator=(Booster&&) noexcept = default;

struct BoosterData::Handles {
  std::unique_ptr<DMatrix> train, valid;  // valid: null without validation rows
};

Result<BoosterData> BoosterData::make(const features::Matrix& train, std::span<const float> train_y,
                                      const features::Matrix& valid, std::span<const float> valid_y,
                                      std::span<const std::uint8_t> categorical) {
  configure_once();
  BoosterData d;
  d.h_ = std::make_shared<Handles>();
  auto dtrain = make_dmatrix(train, train_y, categorical);
  if (!dtrain) return dtrain.error();
  d.h_->train = std::move(*dtrain);
  if (valid.rows > 0) {
    if (valid.cols != train.cols)
      return Error::invalid("boosted trees: validation rows of another width");
    auto dvalid = make_dmatrix(valid, valid_y, categorical);
    if (!dvalid) return dvalid.error();
    d.h_->valid = std::move(*dvalid);
  }
  d.cols_ = train.cols;
  d.has_validation_ = valid.rows > 0;
  return d;
}

Result<Booster> Booster::train(const features::Matrix& train, std::span<const float> train_y,
                               const features::Matrix& valid, std::span<const float> valid_y,
                               const BoosterParams& params, const Progress& progress) {
  auto data = BoosterData::make(train, train_y, valid, valid_y);
  if (!data) return data.error();
  return Booster::train(*data, params, progress);
}

Result<Booster> Booster::train(const BoosterData& data, const BoosterParams& params,
                               const Progress& progress) {
  configure_once();
  if (!data.h_) return Error::invalid("boosted trees: no training data");
  const DMatrix* dtrain = data.h_->train.get();
  const bool early_stopping = data.has_validation_;
  const DMatrix* dvalid = early_stopping ? data.h_->valid.get() : dtrain;
  Booster b;
  b.h_ = std::make_unique<Handle>();
  DMatrixHandle cache[] = {dtrain->h, dvalid->h};
  if (XGBoosterCreate(cache, early_stopping ? 2 : 1, &b.h_->h)) return xgb_error("create");
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"eval_metric", "logloss"},
      {"eta", fmt::format("{}", params.eta)},
      {"max_depth", fmt::format("{}", params.max_depth)},
      {"subsample", fmt::format("{}", params.subsample)},
      {"colsample_bytree", fmt::format("{}", params.colsample_bytree)},
      {"min_child_weight", fmt::format("{}", params.min_child_weight)},
      {"lambda", fmt::format("{}", params.lambda)},
      {"max_bin", fmt::format("{}", params.max_bin)},
      {"max_cat_to_onehot", fmt::format("{}", params.max_cat_to_onehot)},
      {"nthread", fmt::format("{}", params.nthread)},
      {"seed", fmt::format("{}", params.seed % 2147483647)},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : settings)
    if (XGBoosterSetParam(b.h_->h, k, v.c_str())) return xgb_error(fmt::format("parameter {}", k));
  if (params.max_leaves > 0 &&
      (XGBoosterSetParam(b.h_->h, "grow_policy", "lossguide") ||
       XGBoosterSetParam(b.h_->h, "max_leaves", std::to_string(params.max_leaves).c_str())))
    return xgb_error("parameter max_leaves");

  DMatrixHandle evals[] = {dvalid->h};
  const char* eval_names[] = {"valid"};
  double best = std::numeric_limits<double>::infinity();
  int best_round = 0;
  int threads = params.nthread;
  const bool stops_when_told = !early_stopping && params.stop_at_rounds.valid();
  int trained = 0;
  for (int round = 0; round < params.max_rounds; ++round) {
    if (stops_when_told &&
        params.stop_at_rounds.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
        round >= params.stop_at_rounds.get())
      break;
    if (params.thread_budget) {
      const int want = std::max(1, params.thread_budget->load(std::memory_order_relaxed));
      if (want != threads) {
        if (XGBoosterSetParam(b.h_->h, "nthread", std::to_string(want).c_str()))
          return xgb_error("parameter nthread");
        threads = want;
      }
    }
    if (XGBoosterUpdateOneIter(b.h_->h, round, dtrain->h)) return xgb_error("training");
    trained = round + 1;
    if (!early_stopping) {
      best_round = round;
      if (progress) progress(round, NAN);
      continue;
    }
    const char* text = nullptr;
    if (XGBoosterEvalOneIter(b.h_->h, round, evals, eval_names, 1, &text))
      return xgb_error("evaluation");
    std::string_view s(text);
    auto colon = s.rfind(':');
    double loss =
        colon == std::string_view::npos ? NAN : std::atof(std::string(s.substr(colon + 1)).c_str());
    if (progress) progress(round, loss);
    if (loss < best - 1e-7) {
      best = loss;
      best_round = round;
    } else if (round - best_round >= params.early_stopping_rounds) {
      break;
    }
  }
  if (stops_when_told)
    best_round = std::clamp(params.stop_at_rounds.get(), 1, std::max(1, trained)) - 1;
  // Keep only the rounds up to the best one.
  BoosterHandle sliced = nullptr;
  int rc = XGBoosterSlice(b.h_->h, 0, best_round + 1, 1, &sliced);
  if (rc == 0) {
    b.h_->h = (XGBoosterFree(b.h_->h), sliced);
  } else if (rc != -2) {  // -2: the slice is the whole model
    return xgb_error("slice");
  }
  b.rounds_ = best_round + 1;
  b.features_ = data.cols_;
  // Training used two threads; prediction is per caller thread.
  if (XGBoosterSetParam(b.h_->h, "nthread", "1")) return xgb_error("parameter nthread");
  return b;
}

Result<Booster> Booster::load(std::string_view bytes, int nthread) {
  configure_once();
  Booster b;
  b.h_ = std::make_unique<Handle>();
  if (XGBoosterCreate(nullptr, 0, &b.h_->h)) return xgb_error("create");
  if (XGBoosterLoadModelFromBuffer(b.h_->h, bytes.data(), bytes.size()))
    return Error::invalid(
        fmt::format("the embedded boosted-tree model is damaged ({})", XGBGetLastError()));
  if (XGBoosterSetParam(b.h_->h, "nthread", std::to_string(nthread).c_str()))
    return xgb_error("parameter nthread");
  int rounds = 0;
  bst_ulong features = 0;
  if (XGBoosterBoostedRounds(b.h_->h, &rounds)) return xgb_error("rounds");
  if (XGBoosterGetNumFeature(b.h_->h, &features)) return xgb_error("features");
  b.rounds_ = rounds;
  b.features_ = features;
  return b;
}

Result<std::string> Booster::save() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  if (XGBoosterSaveModelToBuffer(h_->h, R"({"format": "ubj"})", &len, &data))
    return xgb_error("save");
  return std::string(data, len);
}

Result<std::string> Booster::save_json() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  if (XGBoosterSaveModelToBuffer(h_->h, R"({"format": "json"})", &len, &data))
    return xgb_error("save");
  return std::string(data, len);
}

Status Booster::predict(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  if (rows == 0) return ok_status();
  const std::string values = dense_interface(x, rows, cols);
  static constexpr const char* kConfig =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "cache_id": 0, "missing": NaN})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(h_->h, values.c_str(), kConfig, nullptr, &shape, &dim, &result))
    return xgb_error("predict");
  for (std::size_t r = 0; r < rows; ++r) out[r] = result[r];
  return ok_status();
}

Status Booster::contributions(const float* x, std::size_t rows, std::size_t cols,
                              std::vector<float>& out,
                              std::span<const std::uint8_t> categorical) const {
  features::Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.data.assign(x, x + rows * cols);
  auto d = make_dmatrix(m, {}, categorical);
  if (!d) return d.error();
  static constexpr const char* kConfig =
      R"({"type": 2, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDMatrix(h_->h, (*d)->h, kConfig, &shape, &dim, &result))
    return xgb_error("contributions");
  out.assign(result, result + rows * (cols + 1));
  return ok_status();
}

}  // namespace icrm::models
