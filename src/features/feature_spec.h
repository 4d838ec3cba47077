// FeatureSpec: the one description of how raw cells become the feature vector
// x. It is fitted once on the training rows (medians, means, scales, category
// levels, PCA), saved inside the model file, and applied unchanged when
// scoring, so training and serving cannot drift apart.
//
// Encoding per column kind:
//   numeric   (x - mean) / scale; missing → median, plus "col=missing" 0/1
//             when the training data had missing values, plus "col>=q" 0/1
//             at the training quantiles q (a linear model can then bend);
//             a skewed, non-negative column also gets "log1p(col)", standardised
//   boolean   0/1; missing → the training share of ones
//   categorical  one 0/1 feature per level; levels rarer than the rare limit
//             share "(other)", missing cells are the "(missing)" level
//   datetime  age in days before the newest training date, year, month,
//             day of week, hour — each standardised — plus a missing flag
// then, optionally, projection onto the first principal components.
//
// A fitted spec is immutable and safe to share between threads.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/huge_pages.h"
#include "core/result.h"
#include "features/schema.h"
#include "features/table.h"

namespace icrm::features {

inline constexpr std::string_view kOtherLevel = "(other)";
inline constexpr std::string_view kMissingLevel = "(missing)";
inline constexpr std::size_t kMaxCategoryLevels = 200;
inline constexpr std::size_t kMaxFeatures = 10'000;
// transform_table() encodes parts of at least this many rows on up to this
// many threads.
inline constexpr std::size_t kRowsPerEncodingThread = 4096;
inline constexpr std::size_t kEncodingThreads = 2;

// A std::allocator whose resize() leaves new elements uninitialised: a
// Matrix is written whole after it is sized, and zeroing it first (20 MB on
// bank marketing) cost as much as encoding it. Large matrices are on huge
// pages (core/huge_pages.h).
template <class T>
struct UninitializedAllocator : HugePageAllocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Rows × features, row-major, float (what XGBoost and the scorers read).
// REQUIRES: whoever resizes `data` writes every element.
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float, UninitializedAllocator<float>> data;
  const float* row(std::size_t r) const { return data.data() + r * cols; }
  float* row(std::size_t r) { return data.data() + r * cols; }
};

struct FitOptions {
  std::size_t rare_min_count = 10;  // a level seen fewer times goes to "(other)"
  double rare_min_share = 0.002;    // ... or less often than this share of rows
  std::size_t pca_components = 0;   // 0: no PCA
  // Numeric columns also get "col>=edge" 0/1 features at up to this many
  // quantiles, so linear models can bend (0: off).
  std::size_t numeric_bins = 9;
  // Numeric columns with at most this many distinct values get a 0/1
  // feature at every value instead of at quantiles (economic indicators that
  // stand for a handful of periods, counts with few values). 0: off.
  std::size_t distinct_bins = 0;
  // A numeric column whose maximum is a run of nines (99, 999, 9999) at least
  // ten times the largest other value is a "not applicable" code, not a
  // quantity (bank marketing's pdays = 999, never contacted): treated as
  // missing, with its indicator. On by default: chosen on validation folds
  // (bench/model_selection.cc, bench/README.md).
  bool sentinel_missing = true;
  // A numeric column with no negative values whose skewness is at least this
  // also gets a standardised log1p(x) feature (call durations, counts: the
  // log-odds of such columns bend like a logarithm more than like a line).
  // 0: off.
  double log_skewness = 2.0;
};

// What fitting noticed that the user should hear about.
struct FitWarning {
  std::string column;
  std::string message;
};

// Counts from transforming rows (non-numbers in numeric columns, unseen levels).
struct TransformCounts {
  std::vector<std::size_t> non_numeric;   // per spec column
  std::vector<std::size_t> unseen_level;  // per spec column
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct EncodedColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kNumeric;
  std::size_t offset = 0;  // first feature (before PCA)
  std::size_t width = 0;
  // numeric / boolean
  double median = 0, mean = 0, scale = 1;
  bool missing_indicator = false;
  std::vector<double> bin_edges;   // numeric: thermometer features x >= edge
  std::optional<double> sentinel;  // numeric: this value means missing
  bool log_feature = false;        // numeric: also (log1p(max(x, 0)) - log_mean) / log_scale
  double log_mean = 0, log_scale = 1;
  // boolean: the number that means true (numeric 0/1-like columns), or words (yes/no)
  bool bool_words = false;
  double true_number = 1;
  // categorical
  std::vector<std::string> levels;
  int other_index = -1, missing_index = -1;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> index;
  // datetime
  std::int64_t reference = 0;                 // seconds since the epoch
  std::vector<double> part_mean, part_scale;  // age_days, year, month, day_of_week, hour
};

class FeatureSpec {
 public:
  // Fits on `rows` of `table` (the training rows only). Columns whose profile
  // kind is not a feature kind are left out.
  static Result<FeatureSpec> fit(const Table& table, const std::vector<ColumnProfile>& profiles,
                                 std::span<const std::size_t> rows, const FitOptions& options,
                                 std::vector<FitWarning>* warnings = nullptr);

  // Names of the features x, in order ("age", "job=admin.", "pdays=missing", "pc1").
  const std::vector<std::string>& feature_names() const { return pca_ ? pca_names_ : names_; }
  std::size_t width() const { return feature_names().size(); }
  const std::vector<EncodedColumn>& columns() const { return columns_; }
  // The spec column each pre-PCA feature comes from.
  std::size_t column_of_feature(std::size_t j) const { return feature_column_[j]; }
  bool has_pca() const { return pca_; }

  // For each spec column, its index in `header`. Error naming every column the
  // header lacks.
  Result<std::vector<std::size_t>> bind(const std::vector<std::string>& header) const;

  // Encodes one row. `cells[i]` is the cell of spec column i (use bind()).
  // REQUIRES: out.size() == width(). Allocates nothing without PCA.
  void transform(std::span<const std::string_view> cells, std::span<float> out,
                 TransformCounts* counts = nullptr) const;

  // Encodes `rows` of a table whose columns `binding` maps (see bind()).
  Matrix transform_table(const Table& table, std::span<const std::size_t> binding,
                         std::span<const std::size_t> rows,
                         TransformCounts* counts = nullptr) const;

  boost::json::object to_json() const;
  static Result<FeatureSpec> from_json(const boost::json::value& json);

 private:
  void index_levels();
  void encode(std::span<const std::string_view> cells, float* out, TransformCounts* counts) const;

  std::vector<EncodedColumn> columns_;
  std::vector<std::string> names_;
  std::vector<std::size_t> feature_column_;
  std::size_t encoded_width_ = 0;
  // PCA: x' = components (k × d) · (x - pca_mean)
  bool pca_ = false;
  std::vector<double> pca_mean_;
  std::vector<double> pca_components_;
  std::vector<std::string> pca_names_;
};

// Human text for the value a row has in a spec column ("success", "56",
// "(missing)"), used by explanations.
std::string describe_cell(const EncodedColumn& column, std::string_view cell);

}  // namespace icrm::features
