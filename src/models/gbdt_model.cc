#include "models/gbdt_model.h"

#include <algorithm>

#include "features/json_fields.h"
#include "models/base64.h"

namespace icrm::models {

Result<std::unique_ptr<GbdtModel>> GbdtModel::train(const Dataset& train, const Dataset& valid,
                                                    const BoosterParams& params,
                                                    const Booster::Progress& progress) {
  auto b = Booster::train(*train.x, train.y, *valid.x, valid.y, params, progress);
  if (!b) return b.error();
  return create(std::move(*b));
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::create(Booster booster) {
  auto json = booster.save_json();
  if (!json) return json.error();
  auto forest = TreeForest::from_xgboost_json(*json, booster.features());
  if (!forest) return forest.error();
  return std::make_unique<GbdtModel>(std::move(booster), std::move(*forest));
}

Status GbdtModel::score_checked(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  return booster_.predict(x, rows, cols, out);
}

void GbdtModel::score(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  // XGBoost's blocked traversal wins on batches; its per-call set-up loses on a few rows.
  if (rows >= kXgboostBatchRows && booster_.predict(x, rows, cols, out)) return;
  for (std::size_t r = 0; r < rows; ++r) out[r] = forest_.predict(x + r * cols);
}

void GbdtModel::contributions(const float* row, std::size_t cols, std::span<double> out) const {
  std::vector<float> c;
  if (!booster_.contributions(row, 1, cols, c) || c.size() != cols + 1) {
    std::fill(out.begin(), out.end(), 0.0);
    return;
  }
  std::copy(c.begin(), c.end(), out.begin());
}

boost::json::object GbdtModel::to_json() const {
  auto bytes = booster_.save();
  return {{"kind", "gbdt"},
          {"rounds", booster_.rounds()},
          {"format", "xgboost-ubj"},
          {"booster", bytes ? base64_encode(*bytes) : std::string()}};
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model gbdt");
  auto text = f.str("booster");
  auto format = f.str("format");
  if (!f.ok()) return f.error();
  if (format != "xgboost-ubj") return Error::invalid("model gbdt: unknown booster format " + format);
  auto bytes = base64_decode(text);
  if (!bytes) return Error::invalid("model gbdt: booster: " + bytes.error().message);
  auto b = Booster::load(*bytes);
  if (!b) return b.error();
  return create(std::move(*b));
}

}  // namespace icrm::models
