#include "models/logistic_regression.h"

#include <fmt/format.h>
#include <linear.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <mutex>

#include "core/huge_pages.h"
#include "features/json_fields.h"
#include "models/metrics.h"
#include "models/split.h"

namespace icrm::models {
namespace {

void silence(const char*) {}

// liblinear's stopping tolerance (relative to the gradient at w = 0, so warm
// starts do not tighten it). Looser values were tried for the
// cross-validation fits: at 0.03 a warm start from the previous C already
// satisfies it and neighbouring Cs tie.
constexpr double kTolerance = 0.01;

// The rows of a data set in liblinear's sparse form, with the bias node last.
class SparseRows {
 public:
  explicit SparseRows(const Dataset& data) {
    const auto& x = *data.x;
    std::size_t nonzero =
        0;  // counted first: growing the node vector moved ~30 MB on bank marketing
    for (float v : x.data) nonzero += v != 0.f;
    nodes_.reserve(nonzero + 2 * x.rows);
    starts_.reserve(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r) {
      starts_.push_back(nodes_.size());
      const float* row = x.row(r);
      for (std::size_t j = 0; j < x.cols; ++j)
        if (row[j] != 0.f) nodes_.push_back({static_cast<int>(j + 1), row[j]});
      nodes_.push_back({static_cast<int>(x.cols + 1), 1.0});  // bias
      nodes_.push_back({-1, 0});
    }
    cols_ = x.cols;
  }
  feature_node* row(std::size_t r) { return nodes_.data() + starts_[r]; }
  std::size_t cols() const { return cols_; }

 private:
  std::vector<feature_node, HugePageAllocator<feature_node>> nodes_;  // ~25 MB on bank marketing
  std::vector<std::size_t> starts_;
  std::size_t cols_ = 0;
};

// Trains on `rows` of `sparse`; returns weights (cols) and bias, for the positive
// class. `start` (weights then bias, or empty) warm-starts liblinear's Newton
// solver: the solution for a nearby C is a few iterations from this one.
Result<std::pair<std::vector<double>, double>> fit(SparseRows& sparse, std::span<const float> y,
                                                   std::span<const std::size_t> rows, double c,
                                                   std::span<const double> start = {}) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { set_print_string_function(&silence); });
  std::vector<feature_node*> xs;
  std::vector<double> ys;
  xs.reserve(rows.size());
  ys.reserve(rows.size());
  bool has_pos = false, has_neg = false;
  for (std::size_t r : rows) {
    xs.push_back(sparse.row(r));
    ys.push_back(y[r] > 0.5f ? 1 : -1);
    (y[r] > 0.5f ? has_pos : has_neg) = true;
  }
  if (!has_pos || !has_neg)
    return Error::invalid("logistic regression needs both classes in its training rows");
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = static_cast<int>(sparse.cols() + 1);
  prob.y = ys.data();
  prob.x = xs.data();
  prob.bias = -1;  // the bias node is already in every row
  parameter param{};
  param.solver_type = L2R_LR;
  param.C = c;
  param.eps = kTolerance;
  // With labels -1/+1, liblinear's w is always for +1 (it swaps them when -1
  // comes first), the orientation `start` is in.
  std::vector<double> init(start.begin(), start.end());
  if (init.size() == sparse.cols() + 1) param.init_sol = init.data();
  if (const char* why = check_parameter(&prob, &param))
    return Error::internal(fmt::format("liblinear: {}", why));
  model* m = ::train(&prob, &param);
  if (!m) return Error::internal("liblinear: training failed");
  std::unique_ptr<model, void (*)(model*)> owned(m, [](model* p) { free_and_destroy_model(&p); });
  const double sign = get_nr_class(m) == 2 && m->label[0] == 1 ? 1.0 : -1.0;
  std::vector<double> w(sparse.cols());
  for (std::size_t j = 0; j < w.size(); ++j) w[j] = sign * m->w[j];
  return std::make_pair(std::move(w), sign * m->w[sparse.cols()]);
}

double dot(const std::vector<double>& w, double b, const float* row) {
  double s = b;
  for (std::size_t j = 0; j < w.size(); ++j) s += w[j] * row[j];
  return s;
}

// The rows of every fold but fold k.
std::vector<std::size_t> rows_besides(const std::vector<std::vector<std::size_t>>& folds,
                                      std::size_t k) {
  std::vector<std::size_t> rest;
  for (std::size_t o = 0; o < folds.size(); ++o)
    if (o != k) rest.insert(rest.end(), folds[o].begin(), folds[o].end());
  return rest;
}

// One cross-validation fold's walk along the C grid (ascending): fits on the
// other folds' rows from the strongest penalty up, the first from `start`,
// each next one warm-started from the previous C's solution (the convex
// optimum does not depend on the start, only the number of Newton steps
// does); the fold's out-of-fold margins and the solution per C.
struct FoldPath {
  std::vector<std::vector<double>> scores, solutions;
};

Result<FoldPath> walk_fold(SparseRows& sparse, const Dataset& data,
                           const std::vector<std::vector<std::size_t>>& folds, std::size_t k,
                           const std::vector<double>& grid, std::vector<double> start) {
  const auto rest = rows_besides(folds, k);
  FoldPath path;
  path.scores.resize(grid.size());
  path.solutions.resize(grid.size());
  for (std::size_t g = 0; g < grid.size(); ++g) {
    auto wb = fit(sparse, data.y, rest, grid[g], start);
    if (!wb) return wb.error();
    for (std::size_t r : folds[k])
      path.scores[g].push_back(dot(wb->first, wb->second, data.x->row(r)));
    start = std::move(wb->first);
    start.push_back(wb->second);
    path.solutions[g] = start;
  }
  return path;
}

}  // namespace

Result<std::unique_ptr<LogisticRegression>> LogisticRegression::train(
    const Dataset& data, const LogisticRegressionOptions& options) {
  SparseRows sparse(data);
  std::vector<std::size_t> all(data.x->rows);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;

  double best_c = options.c;
  std::vector<double> start = options.c > 0 ? options.start : std::vector<double>{};
  if (best_c <= 0) {
    if (options.c_grid.empty() || options.folds < 2)
      return Error::invalid("empty C grid or < 2 folds", "c");
    auto folds = stratified_folds(all, data.y, options.folds, options.seed);
    std::vector<double> grid = options.c_grid;
    std::sort(grid.begin(), grid.end());
    // Every fold starts from the first fold's solution at the strongest
    // penalty (a fit from zero costs about two warm ones); then the folds are
    // independent (each on a thread of its own with options.parallel; the
    // results do not depend on it).
    auto seed = fit(sparse, data.y, rows_besides(folds, 0), grid.front());
    if (!seed) return seed.error();
    std::vector<double> seed_start = std::move(seed->first);
    seed_start.push_back(seed->second);
    std::vector<std::future<Result<FoldPath>>> others;
    for (std::size_t k = 1; k < folds.size(); ++k)
      others.push_back(
          std::async(options.parallel ? std::launch::async : std::launch::deferred,
                     [&, k] { return walk_fold(sparse, data, folds, k, grid, seed_start); }));
    std::vector<FoldPath> paths;
    auto first = walk_fold(sparse, data, folds, 0, grid, seed_start);
    if (!first) return first.error();
    paths.push_back(std::move(*first));
    for (auto& f : others) {
      auto path = f.get();
      if (!path) return path.error();
      paths.push_back(std::move(*path));
    }
    // Out-of-fold scores pooled per C, in fold order.
    std::vector<std::vector<double>> scores(grid.size());
    std::vector<float> labels;
    for (std::size_t k = 0; k < folds.size(); ++k) {
      for (std::size_t r : folds[k]) labels.push_back(data.y[r]);
      for (std::size_t g = 0; g < grid.size(); ++g)
        scores[g].insert(scores[g].end(), paths[k].scores[g].begin(), paths[k].scores[g].end());
    }
    double best_auc = -1;
    for (std::size_t g = 0; g < grid.size(); ++g) {
      double auc = roc_auc(scores[g], labels);
      if (auc > best_auc + 1e-5) {
        best_auc = auc;
        best_c = grid[g];
        start =
            std::move(paths.back().solutions[g]);  // the last fold's, to warm-start the final fit
      }
    }
  }
  auto wb = fit(sparse, data.y, all, best_c, start);
  if (!wb) return wb.error();
  return std::make_unique<LogisticRegression>(std::move(wb->first), wb->second, best_c);
}

double LogisticRegression::margin(const float* row) const { return dot(weights_, bias_, row); }

void LogisticRegression::score(const float* x, std::size_t rows, std::size_t cols,
                               double* out) const {
  for (std::size_t r = 0; r < rows; ++r) out[r] = 1 / (1 + std::exp(-margin(x + r * cols)));
}

void LogisticRegression::contributions(const float* row, std::size_t cols,
                                       std::span<double> out) const {
  for (std::size_t j = 0; j < cols; ++j) out[j] = weights_[j] * row[j];
  out[cols] = bias_;
}

boost::json::object LogisticRegression::to_json() const {
  return {{"kind", "lr"},
          {"c", c_},
          {"bias", bias_},
          {"weights", boost::json::array(weights_.begin(), weights_.end())}};
}

Result<std::unique_ptr<LogisticRegression>> LogisticRegression::from_json(
    const boost::json::value& json) {
  features::JsonFields f(json, "model lr");
  auto w = f.nums("weights");
  double b = f.num("bias"), c = f.num("c");
  if (!f.ok()) return f.error();
  return std::make_unique<LogisticRegression>(std::move(w), b, c);
}

}  // namespace icrm::models
