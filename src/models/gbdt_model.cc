#include "models/gbdt_model.h"

#include <algorithm>
#include <span>

#include "features/json_fields.h"
#include "models/base64.h"

namespace icrm::models {

namespace {

features::Matrix columns_of(const features::Matrix& x, std::span<const std::uint32_t> columns) {
  features::Matrix out;
  out.rows = x.rows;
  out.cols = columns.size();
  out.data.resize(out.rows * out.cols);
  for (std::size_t r = 0; r < x.rows; ++r)
    for (std::size_t j = 0; j < columns.size(); ++j) out.data[r * out.cols + j] = x.row(r)[columns[j]];
  return out;
}

}  // namespace

Result<BoosterData> GbdtModel::booster_data(const Dataset& train, const Dataset& valid,
                                            std::span<const std::uint32_t> columns) {
  const std::size_t width = train.x->cols;
  for (auto c : columns)
    if (c >= width) return Error::invalid("boosted trees: a column beyond the row");
  if (columns.empty() || columns.size() == width) return BoosterData::make(*train.x, train.y, *valid.x, valid.y);
  return BoosterData::make(columns_of(*train.x, columns), train.y, columns_of(*valid.x, columns), valid.y);
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::train(const Dataset& train, const Dataset& valid,
                                                    const BoosterParams& params, const Booster::Progress& progress,
                                                    std::vector<std::uint32_t> columns) {
  auto data = booster_data(train, valid, columns);
  if (!data) return data.error();
  return GbdtModel::train(*data, params, progress, std::move(columns), train.x->cols);
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::train(const BoosterData& data, const BoosterParams& params,
                                                    const Booster::Progress& progress,
                                                    std::vector<std::uint32_t> columns, std::size_t width) {
  if (columns.size() == width) columns.clear();
  if (columns.empty() ? data.cols() != width : columns.size() != data.cols())
    return Error::invalid("boosted trees: the column map does not match the data");
  auto b = Booster::train(data, params, progress);
  if (!b) return b.error();
  return create(std::move(*b), std::move(columns), width);
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::create(Booster booster, std::vector<std::uint32_t> columns,
                                                     std::size_t width) {
  auto json = booster.save_json();
  if (!json) return json.error();
  if (!columns.empty() && (columns.size() != booster.features() ||
                           std::any_of(columns.begin(), columns.end(), [&](auto c) { return c >= width; })))
    return Error::invalid("model gbdt: the column map does not match the booster");
  auto forest = TreeForest::from_xgboost_json(*json, booster.features(), columns);
  if (!forest) return forest.error();
  return std::make_unique<GbdtModel>(std::move(booster), std::move(*forest), std::move(columns), width);
}

const float* GbdtModel::booster_rows(const float* x, std::size_t rows, std::size_t cols,
                                     std::vector<float>& buffer) const {
  if (columns_.empty()) return x;
  buffer.resize(rows * columns_.size());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < columns_.size(); ++j) buffer[r * columns_.size() + j] = x[r * cols + columns_[j]];
  return buffer.data();
}

Status GbdtModel::score_checked(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  std::vector<float> buffer;
  return booster_.predict(booster_rows(x, rows, cols, buffer), rows, booster_.features(), out);
}

void GbdtModel::score(const float* x, std::size_t rows, std::size_t cols, double* out) const {
  // XGBoost's blocked traversal wins on batches; its per-call set-up loses on a few rows.
  if (rows >= kXgboostBatchRows && score_checked(x, rows, cols, out)) return;
  for (std::size_t r = 0; r < rows; ++r) out[r] = forest_.predict(x + r * cols);
}

void GbdtModel::contributions(const float* row, std::size_t cols, std::span<double> out) const {
  std::vector<float> buffer, c;
  const std::size_t k = booster_.features();
  std::fill(out.begin(), out.end(), 0.0);
  if (!booster_.contributions(booster_rows(row, 1, cols, buffer), 1, k, c) || c.size() != k + 1) return;
  for (std::size_t j = 0; j < k; ++j) out[columns_.empty() ? j : columns_[j]] = c[j];
  out[cols] = c[k];
}

boost::json::object GbdtModel::to_json() const {
  auto bytes = booster_.save();
  boost::json::object o{{"kind", "gbdt"},
                        {"rounds", booster_.rounds()},
                        {"format", "xgboost-ubj"},
                        {"booster", bytes ? base64_encode(*bytes) : std::string()}};
  if (!columns_.empty()) {
    o["columns"] = boost::json::array(columns_.begin(), columns_.end());
    o["width"] = width_;
  }
  return o;
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
  std::vector<std::uint32_t> columns;
  std::size_t width = 0;
  if (f.has("columns")) {  // files from before the column map read whole rows
    for (double c : f.nums("columns")) {
      if (!(c >= 0 && c < 4294967296.0)) return Error::invalid("model gbdt: bad column index");
      columns.push_back(static_cast<std::uint32_t>(c));
    }
    auto w = f.integer("width");
    if (!f.ok()) return f.error();
    if (w <= 0) return Error::invalid("model gbdt: bad width");
    width = static_cast<std::size_t>(w);
  }
  return create(std::move(*b), std::move(columns), width);
}

}  // namespace icrm::models
