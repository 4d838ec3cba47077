#include "features/feature_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>

#include "features/json_fields.h"
#include "features/value_parsing.h"

namespace icrm::features {
namespace {

constexpr std::size_t kDateParts = 5;
constexpr std::array<std::string_view, kDateParts> kDatePartNames = {"age_days", "year", "month",
                                                                     "day_of_week", "hour"};

void date_parts(std::int64_t t, std::int64_t reference, double* out) {
  using namespace std::chrono;
  const auto days = sys_days{} + std::chrono::days{t >= 0 ? t / 86400 : (t - 86399) / 86400};
  year_month_day ymd{days};
  weekday wd{days};
  out[0] = static_cast<double>(reference - t) / 86400.0;
  out[1] = static_cast<int>(ymd.year());
  out[2] = static_cast<unsigned>(ymd.month());
  out[3] = wd.iso_encoding() - 1;  // Monday = 0
  out[4] = static_cast<double>(((t % 86400) + 86400) % 86400 / 3600);
}

double stddev_or_one(double sum, double sum_sq, std::size_t n) {
  if (n < 2) return 1;
  double mean = sum / static_cast<double>(n);
  double var = std::max(0.0, sum_sq / static_cast<double>(n) - mean * mean);
  double sd = std::sqrt(var);
  return sd > 1e-12 ? sd : 1;
}

double median_of(std::vector<double>& v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

std::string describe_cell(const EncodedColumn& column, std::string_view cell) {
  if (is_missing(cell)) return std::string(kMissingLevel);
  std::string_view v = trim_blanks(cell);
  if (column.kind == ColumnKind::kCategorical) {
    auto it = column.index.find(v);
    if (it == column.index.end()) return fmt::format("{} {}", v, kOtherLevel);
  }
  return std::string(v);
}

namespace {

// The run-of-nines "not applicable" code of a numeric column, if it has one.
std::optional<double> sentinel_code(const std::vector<double>& values) {
  double top = -INFINITY, second = -INFINITY;
  for (double v : values) {
    if (v > top) {
      second = top;
      top = v;
    } else if (v < top && v > second) {
      second = v;
    }
  }
  if (!std::isfinite(second)) return std::nullopt;
  for (double nines = 99; nines <= 999999; nines = nines * 10 + 9)
    if (top == nines && top >= 10 * std::max(second, 1.0)) return top;
  return std::nullopt;
}

}  // namespace

Result<FeatureSpec> FeatureSpec::fit(const Table& table, const std::vector<ColumnProfile>& profiles,
                                     std::span<const std::size_t> rows, const FitOptions& options,
                                     std::vector<FitWarning>* warnings) {
  if (rows.empty()) return Error::invalid("no rows to fit features on");
  FeatureSpec spec;
  const std::size_t n = rows.size();
  for (std::size_t c = 0; c < profiles.size(); ++c) {
    const ColumnProfile& profile = profiles[c];
    if (!is_feature_kind(profile.kind)) continue;
    const auto& cells = table.cells[static_cast<std::size_t>(table.find(profile.name))];
    EncodedColumn col;
    col.name = profile.name;
    col.kind = profile.kind;
    switch (profile.kind) {
      case ColumnKind::kNumeric: {
        std::vector<double> values;
        values.reserve(n);
        std::size_t missing = 0, non_numeric = 0;
        double sum = 0, sum_sq = 0;
        for (std::size_t r : rows) {
          const std::string& cell = cells[r];
          if (is_missing(cell)) {
            ++missing;
            continue;
          }
          auto v = parse_number(cell);
          if (!v) {
            ++non_numeric;
            continue;
          }
          values.push_back(*v);
          sum += *v;
          sum_sq += *v * *v;
        }
        if (options.sentinel_missing) {
          if (auto code = sentinel_code(values); code) {
            std::size_t coded = 0;
            for (double v : values) coded += v == *code;
            if (coded * 100 >= n) {
              col.sentinel = *code;
              missing += coded;
              std::erase(values, *code);
              sum = sum_sq = 0;
              for (double v : values) {
                sum += v;
                sum_sq += v * v;
              }
            }
          }
        }
        if (non_numeric > 0 && warnings)
          warnings->push_back({col.name, fmt::format("{} value(s) in numeric column \"{}\" are not "
                                                     "numbers; treated as missing",
                                                     non_numeric, col.name)});
        if (values.empty()) continue;
        col.mean = sum / static_cast<double>(values.size());
        col.scale = stddev_or_one(sum, sum_sq, values.size());
        col.median = median_of(values);
        col.missing_indicator = missing + non_numeric > 0;
        if (options.log_skewness > 0) {
          double m3 = 0, lsum = 0, lsum_sq = 0, low = INFINITY;
          for (double v : values) {
            m3 += std::pow((v - col.mean) / col.scale, 3);
            low = std::min(low, v);
          }
          const double skewness = m3 / static_cast<double>(values.size());
          if (low >= 0 && skewness >= options.log_skewness) {
            for (double v : values) {
              lsum += std::log1p(v);
              lsum_sq += std::log1p(v) * std::log1p(v);
            }
            col.log_feature = true;
            col.log_mean = lsum / static_cast<double>(values.size());
            col.log_scale = stddev_or_one(lsum, lsum_sq, values.size());
          }
        }
        std::sort(values.begin(), values.end());
        std::vector<double> distinct;
        for (double v : values)
          if (distinct.empty() || v != distinct.back()) {
            distinct.push_back(v);
            if (distinct.size() > options.distinct_bins) break;
          }
        if (distinct.size() <= options.distinct_bins) {
          col.bin_edges.assign(distinct.begin() + 1, distinct.end());
        } else if (options.numeric_bins > 0) {
          for (std::size_t k = 1; k <= options.numeric_bins; ++k) {
            double edge =
                values[std::min(values.size() - 1, k * values.size() / (options.numeric_bins + 1))];
            if (edge > values.front() && (col.bin_edges.empty() || edge > col.bin_edges.back()))
              col.bin_edges.push_back(edge);
          }
        }
        break;
      }
      case ColumnKind::kBoolean: {
        // Numbers: the larger of the (at most two) values is "true"; words: yes/true/y/t.
        std::size_t numbers = 0, present = 0;
        double hi = -INFINITY;
        for (std::size_t r : rows) {
          if (is_missing(cells[r])) continue;
          ++present;
          if (auto v = parse_number(cells[r])) {
            ++numbers;
            hi = std::max(hi, *v);
          }
        }
        col.bool_words = numbers < present;
        col.true_number = numbers > 0 ? hi : 1;
        std::size_t ones = 0;
        for (std::size_t r : rows) {
          if (is_missing(cells[r])) continue;
          if (col.bool_words)
            ones += parse_bool_word(cells[r]).value_or(0) == 1;
          else
            ones += parse_number(cells[r]).value_or(0) == col.true_number;
        }
        col.mean = present ? static_cast<double>(ones) / static_cast<double>(present) : 0;
        col.width = 1;
        break;
      }
      case ColumnKind::kCategorical: {
        std::map<std::string, std::size_t> counts;
        std::size_t missing = 0;
        for (std::size_t r : rows) {
          if (is_missing(cells[r]))
            ++missing;
          else
            ++counts[std::string(trim_blanks(cells[r]))];
        }
        std::vector<std::pair<std::string, std::size_t>> by_count(counts.begin(), counts.end());
        std::stable_sort(by_count.begin(), by_count.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        const auto min_count = std::max<std::size_t>(
            options.rare_min_count,
            static_cast<std::size_t>(std::ceil(options.rare_min_share * static_cast<double>(n))));
        bool rare = false;
        for (auto& [level, count] : by_count) {
          if (count >= min_count && col.levels.size() < kMaxCategoryLevels)
            col.levels.push_back(level);
          else
            rare = true;
        }
        if (rare) {
          col.other_index = static_cast<int>(col.levels.size());
          col.levels.emplace_back(kOtherLevel);
        }
        if (missing > 0) {
          col.missing_index = static_cast<int>(col.levels.size());
          col.levels.emplace_back(kMissingLevel);
        }
        if (col.levels.size() < 2) continue;  // one level after bucketing: no information
        col.width = col.levels.size();
        break;
      }
      case ColumnKind::kDateTime: {
        std::vector<std::int64_t> times;
        std::size_t missing = 0;
        for (std::size_t r : rows) {
          auto t = is_missing(cells[r]) ? std::nullopt : parse_datetime(cells[r]);
          if (t)
            times.push_back(*t);
          else
            ++missing;
        }
        if (times.empty()) continue;
        col.reference = *std::max_element(times.begin(), times.end());
        std::array<double, kDateParts> sum{}, sum_sq{}, parts{};
        for (auto t : times) {
          date_parts(t, col.reference, parts.data());
          for (std::size_t k = 0; k < kDateParts; ++k) {
            sum[k] += parts[k];
            sum_sq[k] += parts[k] * parts[k];
          }
        }
        for (std::size_t k = 0; k < kDateParts; ++k) {
          col.part_mean.push_back(sum[k] / static_cast<double>(times.size()));
          col.part_scale.push_back(stddev_or_one(sum[k], sum_sq[k], times.size()));
        }
        col.missing_indicator = missing > 0;
        col.width = kDateParts + (col.missing_indicator ? 1 : 0);
        break;
      }
      default:
        continue;
    }
    col.offset = spec.encoded_width_;
    spec.encoded_width_ += col.width;
    spec.columns_.push_back(std::move(col));
  }
  if (spec.columns_.empty())
    return Error::invalid(
        "no usable feature columns (all were excluded, "
        "identifiers, free text or constant)");
  if (spec.encoded_width_ > kMaxFeatures)
    return Error::too_large(
        fmt::format("{} features is more than the limit of {}; exclude some "
                    "high-cardinality columns",
                    spec.encoded_width_, kMaxFeatures));
  spec.index_levels();

  if (options.pca_components > 0) {
    const std::size_t d = spec.encoded_width_;
    const std::size_t k = std::min(options.pca_components, d);
    std::vector<std::size_t> binding(spec.columns_.size());
    for (std::size_t i = 0; i < spec.columns_.size(); ++i)
      binding[i] = static_cast<std::size_t>(table.find(spec.columns_[i].name));
    Matrix x = spec.transform_table(table, binding, rows);
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> xf(
        x.data.data(), static_cast<Eigen::Index>(x.rows), static_cast<Eigen::Index>(d));
    Eigen::MatrixXd xm = xf.cast<double>();
    Eigen::VectorXd mean = xm.colwise().mean();
    xm.rowwise() -= mean.transpose();
    Eigen::MatrixXd cov = (xm.transpose() * xm) / std::max<double>(1, static_cast<double>(n - 1));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    spec.pca_ = true;
    spec.pca_mean_.assign(mean.data(), mean.data() + d);
    // Eigenvalues come in increasing order: take the last k, largest first.
    for (std::size_t c = 0; c < k; ++c) {
      auto col = eig.eigenvectors().col(static_cast<Eigen::Index>(d - 1 - c));
      for (std::size_t j = 0; j < d; ++j)
        spec.pca_components_.push_back(col(static_cast<Eigen::Index>(j)));
      spec.pca_names_.push_back(fmt::format("pc{}", c + 1));
    }
  }
  return spec;
}

void FeatureSpec::index_levels() {
  names_.clear();
  feature_column_.clear();
  encoded_width_ = 0;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    EncodedColumn& col = columns_[c];
    col.offset = encoded_width_;
    switch (col.kind) {
      case ColumnKind::kNumeric:
        names_.push_back(col.name);
        if (col.log_feature) names_.push_back(fmt::format("log1p({})", col.name));
        if (col.missing_indicator) names_.push_back(fmt::format("{}={}", col.name, kMissingLevel));
        for (double edge : col.bin_edges) names_.push_back(fmt::format("{}>={:g}", col.name, edge));
        break;
      case ColumnKind::kBoolean:
        names_.push_back(col.name);
        break;
      case ColumnKind::kCategorical:
        col.index.clear();
        for (std::size_t i = 0; i < col.levels.size(); ++i) {
          names_.push_back(fmt::format("{}={}", col.name, col.levels[i]));
          if (static_cast<int>(i) != col.other_index && static_cast<int>(i) != col.missing_index)
            col.index.emplace(col.levels[i], static_cast<int>(i));
        }
        break;
      case ColumnKind::kDateTime:
        for (auto part : kDatePartNames) names_.push_back(fmt::format("{}.{}", col.name, part));
        if (col.missing_indicator) names_.push_back(fmt::format("{}={}", col.name, kMissingLevel));
        break;
      default:
        break;
    }
    col.width = names_.size() - encoded_width_;
    encoded_width_ = names_.size();
    feature_column_.resize(encoded_width_, c);
  }
}

Result<std::vector<std::size_t>> FeatureSpec::bind(const std::vector<std::string>& header) const {
  std::vector<std::size_t> out;
  std::vector<std::string> absent;
  for (const auto& col : columns_) {
    auto it = std::find(header.begin(), header.end(), col.name);
    if (it == header.end())
      absent.push_back(col.name);
    else
      out.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  if (!absent.empty())
    return Error::invalid(fmt::format("the CSV does not match the model: it lacks column(s) {}",
                                      fmt::join(absent, ", ")));
  return out;
}

void FeatureSpec::encode(std::span<const std::string_view> cells, float* out,
                         TransformCounts* counts) const {
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const EncodedColumn& col = columns_[c];
    float* x = out + col.offset;
    std::string_view cell = cells[c];
    const bool missing = is_missing(cell);
    switch (col.kind) {
      case ColumnKind::kNumeric: {
        std::optional<double> v;
        if (!missing) {
          v = parse_number(cell);
          if (!v && counts) ++counts->non_numeric[c];
          if (v && col.sentinel && *v == *col.sentinel) v.reset();
        }
        const double value = v.value_or(col.median);
        x[0] = static_cast<float>((value - col.mean) / col.scale);
        std::size_t k = 1;
        if (col.log_feature)
          x[k++] =
              static_cast<float>((std::log1p(std::max(value, 0.0)) - col.log_mean) / col.log_scale);
        if (col.missing_indicator) x[k++] = v ? 0.f : 1.f;
        for (double edge : col.bin_edges) x[k++] = value >= edge ? 1.f : 0.f;
        break;
      }
      case ColumnKind::kBoolean: {
        double v = col.mean;
        if (!missing) {
          if (col.bool_words) {
            if (auto b = parse_bool_word(cell)) v = *b;
          } else if (auto num = parse_number(cell)) {
            v = *num == col.true_number ? 1 : 0;
          }
        }
        x[0] = static_cast<float>(v);
        break;
      }
      case ColumnKind::kCategorical: {
        std::fill(x, x + col.width, 0.f);
        int level = -1;
        if (missing) {
          level = col.missing_index >= 0 ? col.missing_index : col.other_index;
        } else {
          auto it = col.index.find(trim_blanks(cell));
          if (it != col.index.end()) {
            level = it->second;
          } else {
            level = col.other_index;
            if (counts) ++counts->unseen_level[c];
          }
        }
        if (level >= 0) x[level] = 1.f;
        break;
      }
      case ColumnKind::kDateTime: {
        auto t = missing ? std::nullopt : parse_datetime(cell);
        double parts[kDateParts];
        if (t) date_parts(*t, col.reference, parts);
        for (std::size_t k = 0; k < kDateParts; ++k)
          x[k] = t ? static_cast<float>((parts[k] - col.part_mean[k]) / col.part_scale[k]) : 0.f;
        if (col.missing_indicator) x[kDateParts] = t ? 0.f : 1.f;
        break;
      }
      default:
        break;
    }
  }
}

void FeatureSpec::transform(std::span<const std::string_view> cells, std::span<float> out,
                            TransformCounts* counts) const {
  if (!pca_) {
    encode(cells, out.data(), counts);
    return;
  }
  std::vector<float> raw(encoded_width_);
  encode(cells, raw.data(), counts);
  const std::size_t d = encoded_width_;
  for (std::size_t k = 0; k < pca_names_.size(); ++k) {
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) s += pca_components_[k * d + j] * (raw[j] - pca_mean_[j]);
    out[k] = static_cast<float>(s);
  }
}

Matrix FeatureSpec::transform_table(const Table& table, std::span<const std::size_t> binding,
                                    std::span<const std::size_t> rows,
                                    TransformCounts* counts) const {
  Matrix m;
  m.rows = rows.size();
  m.cols = width();
  m.data.resize(m.rows * m.cols);
  // Contiguous parts of the rows on threads of their own (the spec is
  // immutable; each part writes its own rows and counts).
  const std::size_t parts =
      std::clamp<std::size_t>(rows.size() / kRowsPerEncodingThread, 1, kEncodingThreads);
  std::vector<TransformCounts> part_counts(parts);
  auto encode_part = [&](std::size_t part) {
    TransformCounts& own = part_counts[part];
    own.non_numeric.assign(columns_.size(), 0);
    own.unseen_level.assign(columns_.size(), 0);
    std::vector<std::string_view> cells(columns_.size());
    const std::size_t end = rows.size() * (part + 1) / parts;
    for (std::size_t i = rows.size() * part / parts; i < end; ++i) {
      for (std::size_t c = 0; c < columns_.size(); ++c) cells[c] = table.cells[binding[c]][rows[i]];
      transform(cells, std::span<float>(m.row(i), m.cols), &own);
    }
  };
  std::vector<std::future<void>> others;
  for (std::size_t part = 1; part < parts; ++part)
    others.push_back(std::async(std::launch::async, encode_part, part));
  encode_part(0);
  for (auto& f : others) f.get();
  if (counts) {
    *counts = std::move(part_counts[0]);
    for (std::size_t part = 1; part < parts; ++part)
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        counts->non_numeric[c] += part_counts[part].non_numeric[c];
        counts->unseen_level[c] += part_counts[part].unseen_level[c];
      }
  }
  return m;
}

boost::json::object FeatureSpec::to_json() const {
  boost::json::array cols;
  for (const auto& col : columns_) {
    boost::json::object o;
    o["name"] = col.name;
    o["kind"] = std::string(column_kind_name(col.kind));
    switch (col.kind) {
      case ColumnKind::kNumeric:
        o["median"] = col.median;
        o["mean"] = col.mean;
        o["scale"] = col.scale;
        o["missing_indicator"] = col.missing_indicator;
        o["bin_edges"] = boost::json::array(col.bin_edges.begin(), col.bin_edges.end());
        if (col.sentinel) o["sentinel"] = *col.sentinel;
        if (col.log_feature) o["log"] = {{"mean", col.log_mean}, {"scale", col.log_scale}};
        break;
      case ColumnKind::kBoolean:
        o["words"] = col.bool_words;
        o["true_number"] = col.true_number;
        o["mean"] = col.mean;
        break;
      case ColumnKind::kCategorical: {
        boost::json::array levels;
        for (const auto& l : col.levels) levels.emplace_back(l);
        o["levels"] = std::move(levels);
        o["other_index"] = col.other_index;
        o["missing_index"] = col.missing_index;
        break;
      }
      case ColumnKind::kDateTime:
        o["reference"] = col.reference;
        o["part_mean"] = boost::json::array(col.part_mean.begin(), col.part_mean.end());
        o["part_scale"] = boost::json::array(col.part_scale.begin(), col.part_scale.end());
        o["missing_indicator"] = col.missing_indicator;
        break;
      default:
        break;
    }
    cols.push_back(std::move(o));
  }
  boost::json::object out;
  out["columns"] = std::move(cols);
  out["width"] = encoded_width_;
  if (pca_) {
    boost::json::object pca;
    pca["mean"] = boost::json::array(pca_mean_.begin(), pca_mean_.end());
    pca["components"] = boost::json::array(pca_components_.begin(), pca_components_.end());
    pca["count"] = pca_names_.size();
    out["pca"] = std::move(pca);
  }
  return out;
}

Result<FeatureSpec> FeatureSpec::from_json(const boost::json::value& json) {
  JsonFields top(json, "feature spec");
  FeatureSpec spec;
  const auto& cols = top.arr("columns");
  auto width = top.integer("width");
  if (!top.ok()) return top.error();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    JsonFields f(cols[i], fmt::format("feature spec: columns[{}]", i));
    EncodedColumn col;
    col.name = f.str("name");
    auto kind = parse_column_kind(f.str("kind"));
    if (!f.ok()) return f.error();
    if (!kind || !is_feature_kind(*kind))
      return Error::invalid(fmt::format("{}: bad kind", f.where()));
    col.kind = *kind;
    switch (col.kind) {
      case ColumnKind::kNumeric:
        col.median = f.num("median");
        col.mean = f.num("mean");
        col.scale = f.num("scale");
        col.missing_indicator = f.boolean("missing_indicator");
        col.bin_edges = f.nums("bin_edges");
        if (const auto* code = cols[i].as_object().if_contains("sentinel");
            code && code->is_number())
          col.sentinel = code->to_number<double>();
        if (f.ok() && !(col.scale > 0)) f.fail("scale must be positive");
        if (f.ok() && f.has("log")) {  // files written before log1p features have none
          JsonFields l(f.obj("log"), f.where() + ": log");
          col.log_feature = true;
          col.log_mean = l.num("mean");
          col.log_scale = l.num("scale");
          if (!l.ok()) return l.error();
          if (!(col.log_scale > 0)) f.fail("log scale must be positive");
        }
        break;
      case ColumnKind::kBoolean:
        col.bool_words = f.boolean("words");
        col.true_number = f.num("true_number");
        col.mean = f.num("mean");
        break;
      case ColumnKind::kCategorical: {
        col.levels = f.strs("levels");
        col.other_index = static_cast<int>(f.integer("other_index"));
        col.missing_index = static_cast<int>(f.integer("missing_index"));
        const int n = static_cast<int>(col.levels.size());
        if (f.ok() && (col.levels.empty() || col.other_index < -1 || col.other_index >= n ||
                       col.missing_index < -1 || col.missing_index >= n))
          f.fail("bad category levels");
        break;
      }
      case ColumnKind::kDateTime:
        col.reference = f.integer("reference");
        col.part_mean = f.nums("part_mean");
        col.part_scale = f.nums("part_scale");
        col.missing_indicator = f.boolean("missing_indicator");
        if (f.ok() && (col.part_mean.size() != kDateParts || col.part_scale.size() != kDateParts))
          f.fail("date parts are incomplete");
        break;
      default:
        break;
    }
    if (!f.ok()) return f.error();
    spec.columns_.push_back(std::move(col));
  }
  spec.index_levels();
  if (spec.columns_.empty() || static_cast<std::int64_t>(spec.encoded_width_) != width)
    return Error::invalid("feature spec: the columns do not add up to its width");
  if (top.has("pca")) {
    JsonFields p(top.obj("pca"), "feature spec: pca");
    spec.pca_mean_ = p.nums("mean");
    spec.pca_components_ = p.nums("components");
    auto k = static_cast<std::size_t>(p.integer("count"));
    if (!p.ok()) return p.error();
    if (k == 0 || spec.pca_mean_.size() != spec.encoded_width_ ||
        spec.pca_components_.size() != k * spec.encoded_width_)
      return Error::invalid("feature spec: pca: sizes do not match");
    spec.pca_ = true;
    for (std::size_t c = 0; c < k; ++c) spec.pca_names_.push_back(fmt::format("pc{}", c + 1));
  }
  return spec;
}

}  // namespace icrm::features
