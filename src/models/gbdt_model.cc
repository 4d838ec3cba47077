#include "models/gbdt_model.h"

#include <algorithm>
#include <limits>
#include <span>

#include "features/json_fields.h"
#include "models/base64.h"

namespace icrm::models {

namespace {

std::uint32_t block_of(std::span<const std::uint32_t> groups, std::size_t j) {
  return groups.empty() ? 1 : std::max<std::uint32_t>(1, groups[j]);
}

// The position of the set column in a one-hot block of `size` columns;
// `size` when none is set.
std::uint32_t set_position(const float* block, std::uint32_t size) {
  std::uint32_t c = 0;
  while (c < size && block[c] == 0.f) ++c;
  return c;
}

// One row as the booster reads it: column j of `out` is the row's
// columns[j], or the category code of the block there.
void booster_row(const float* row, std::span<const std::uint32_t> columns,
                 std::span<const std::uint32_t> groups, float* out) {
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const std::uint32_t size = block_of(groups, j);
    if (size == 1) {
      out[j] = row[columns[j]];
    } else {
      const std::uint32_t c = set_position(row + columns[j], size);
      out[j] = c == size ? std::numeric_limits<float>::quiet_NaN() : float(c);
    }
  }
}

features::Matrix columns_of(const features::Matrix& x, std::span<const std::uint32_t> columns,
                            std::span<const std::uint32_t> groups) {
  features::Matrix out;
  out.rows = x.rows;
  out.cols = columns.size();
  out.data.resize(out.rows * out.cols);
  for (std::size_t r = 0; r < x.rows; ++r)
    booster_row(x.row(r), columns, groups, &out.data[r * out.cols]);
  return out;
}

std::vector<std::uint8_t> category_flags(std::span<const std::uint32_t> groups) {
  std::vector<std::uint8_t> flags;
  if (std::none_of(groups.begin(), groups.end(), [](auto g) { return g > 1; })) return flags;
  for (auto g : groups) flags.push_back(g > 1 ? 1 : 0);
  return flags;
}

// Every column (or block) within a row of `width`; the blocks one per column.
Status check_map(std::span<const std::uint32_t> columns, std::span<const std::uint32_t> groups,
                 std::size_t width) {
  if (!groups.empty() && groups.size() != columns.size())
    return Error::invalid("boosted trees: the category blocks do not match the columns");
  for (std::size_t j = 0; j < columns.size(); ++j)
    if (std::size_t(columns[j]) + block_of(groups, j) > width)
      return Error::invalid("boosted trees: a column beyond the row");
  return ok_status();
}

}  // namespace

GbdtModel::GbdtModel(Booster booster, TreeForest forest, std::vector<std::uint32_t> columns,
                     std::size_t width, std::vector<std::uint32_t> groups)
    : booster_(std::move(booster)),
      forest_(std::move(forest)),
      columns_(std::move(columns)),
      width_(width),
      groups_(std::move(groups)),
      categorical_(category_flags(groups_)) {
  if (categorical_.empty()) groups_.clear();
}

Result<BoosterData> GbdtModel::booster_data(const Dataset& train, const Dataset& valid,
                                            std::span<const std::uint32_t> columns,
                                            std::span<const std::uint32_t> groups) {
  const std::size_t width = train.x->cols;
  if (auto ok = check_map(columns, groups, width); !ok) return ok.error();
  const auto flags = category_flags(groups);
  if (flags.empty() && (columns.empty() || columns.size() == width))
    return BoosterData::make(*train.x, train.y, *valid.x, valid.y);
  return BoosterData::make(columns_of(*train.x, columns, groups), train.y,
                           columns_of(*valid.x, columns, groups), valid.y, flags);
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::train(const Dataset& train, const Dataset& valid,
                                                    const BoosterParams& params,
                                                    const Booster::Progress& progress,
                                                    std::vector<std::uint32_t> columns,
                                                    std::vector<std::uint32_t> groups) {
  auto data = booster_data(train, valid, columns, groups);
  if (!data) return data.error();
  return GbdtModel::train(*data, params, progress, std::move(columns), train.x->cols,
                          std::move(groups));
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::train(
    const BoosterData& data, const BoosterParams& params, const Booster::Progress& progress,
    std::vector<std::uint32_t> columns, std::size_t width, std::vector<std::uint32_t> groups) {
  if (category_flags(groups).empty()) groups.clear();
  if (columns.size() == width && groups.empty()) columns.clear();
  if (columns.empty() ? data.cols() != width : columns.size() != data.cols())
    return Error::invalid("boosted trees: the column map does not match the data");
  auto b = Booster::train(data, params, progress);
  if (!b) return b.error();
  return create(std::move(*b), std::move(columns), width, std::move(groups));
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::create(Booster booster,
                                                     std::vector<std::uint32_t> columns,
                                                     std::size_t width,
                                                     std::vector<std::uint32_t> groups) {
  auto json = booster.save_json();
  if (!json) return json.error();
  if (!columns.empty() &&
      (columns.size() != booster.features() || !check_map(columns, groups, width)))
    return Error::invalid("model gbdt: the column map does not match the booster");
  if (columns.empty() && !groups.empty())
    return Error::invalid("model gbdt: category blocks without a column map");
  auto forest = TreeForest::from_xgboost_json(*json, booster.features(), columns, groups);
  if (!forest) return forest.error();
  return std::make_unique<GbdtModel>(std::move(booster), std::move(*forest), std::move(columns),
                                     width, std::move(groups));
}

const float* GbdtModel::booster_rows(const float* x, std::size_t rows, std::size_t cols,
                                     std::vector<float>& buffer) const {
  if (columns_.empty()) return x;
  buffer.resize(rows * columns_.size());
  for (std::size_t r = 0; r < rows; ++r)
    booster_row(x + r * cols, columns_, groups_, &buffer[r * columns_.size()]);
  return buffer.data();
}

Status GbdtModel::score_checked(const float* x, std::size_t rows, std::size_t cols,
                                double* out) const {
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
  if (!booster_.contributions(booster_rows(row, 1, cols, buffer), 1, k, c, categorical_) ||
      c.size() != k + 1)
    return;
  for (std::size_t j = 0; j < k; ++j) {
    if (columns_.empty()) {
      out[j] = c[j];
      continue;
    }
    // A category block's share goes to its set column (the first when none is).
    const std::uint32_t size = block_of(groups_, j);
    const std::uint32_t at = size == 1 ? 0 : set_position(row + columns_[j], size);
    out[columns_[j] + (at == size ? 0 : at)] = c[j];
  }
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
  if (!groups_.empty()) o["groups"] = boost::json::array(groups_.begin(), groups_.end());
  return o;
}

Result<std::unique_ptr<GbdtModel>> GbdtModel::from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model gbdt");
  auto text = f.str("booster");
  auto format = f.str("format");
  if (!f.ok()) return f.error();
  if (format != "xgboost-ubj")
    return Error::invalid("model gbdt: unknown booster format " + format);
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
  std::vector<std::uint32_t> groups;
  if (f.has("groups")) {  // files from before category blocks have none
    for (double g : f.nums("groups")) {
      if (!(g >= 1 && g <= double(features::kMaxFeatures)))
        return Error::invalid("model gbdt: bad category block");
      groups.push_back(static_cast<std::uint32_t>(g));
    }
    if (!f.ok()) return f.error();
  }
  return create(std::move(*b), std::move(columns), width, std::move(groups));
}

}  // namespace icrm::models
