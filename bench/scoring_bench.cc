// Scoring throughput per core and single-row latency (issue 5 targets:
// logistic regression >= 1,000,000 rows/s, boosted trees with 100 trees
// >= 200,000 rows/s in batches, single-row p99 <= 50 us in process).
//
//   build/bench/scoring_bench [--benchmark_filter=...]
//
// Everything runs on one thread. The single-row cases time the whole path a
// live request takes: CSV cells -> FeatureSpec::transform -> model -> probability,
// and report p50/p99 over many rows as counters (us).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>
#include <vector>

#include "features/feature_spec.h"
#include "models/gbdt_model.h"
#include "models/logistic_regression.h"
#include "models/split.h"

namespace icrm::models {
namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kBatch = 4096;

// A bank-marketing-shaped table: 10 numeric and 10 categorical columns.
struct Fixture {
  features::Table table;
  features::FeatureSpec spec;
  features::Matrix x;
  std::vector<float> y;
  std::unique_ptr<LogisticRegression> lr;
  std::unique_ptr<GbdtModel> gbdt;

  Fixture() {
    Rng rng(1);
    auto u = [&] { return double(rng.next() >> 11) / double(1ULL << 53); };
    for (int c = 0; c < 10; ++c) table.columns.push_back("num" + std::to_string(c));
    for (int c = 0; c < 10; ++c) table.columns.push_back("cat" + std::to_string(c));
    table.columns.push_back("y");
    table.cells.resize(table.columns.size());
    for (std::size_t r = 0; r < kRows; ++r) {
      double z = -2;
      for (int c = 0; c < 10; ++c) {
        double v = u() * 100;
        z += (c < 3 ? 0.02 : 0.0) * v;
        table.cells[c].push_back(std::to_string(int(v)));
      }
      for (int c = 0; c < 10; ++c) {
        auto level = rng.below(5);
        z += c < 3 ? 0.3 * double(level) : 0;
        table.cells[10 + c].push_back("level" + std::to_string(level));
      }
      table.cells[20].push_back(u() < 1 / (1 + std::exp(-z)) ? "yes" : "no");
    }
    table.rows = kRows;
    features::InferenceOptions inference;
    inference.exclude = {"y"};
    auto profiles = features::infer_schema(table, inference);
    std::vector<std::size_t> rows(kRows);
    std::iota(rows.begin(), rows.end(), 0);
    spec = *features::FeatureSpec::fit(table, profiles, rows, {});
    x = spec.transform_table(table, *spec.bind(table.columns), rows);
    for (auto& v : table.cells[20]) y.push_back(v == "yes");
    lr = std::move(*LogisticRegression::train({&x, y}, {.c = 1}));
    BoosterParams params;
    params.max_rounds = 100;  // exactly 100 trees: no validation rows, no early stop
    params.max_depth = 5;     // the workload the figures in bench/README.md were measured on
    features::Matrix none;
    none.cols = x.cols;
    gbdt = std::move(*GbdtModel::train({&x, y}, {&none, {}}, params));
  }
};

Fixture& fixture() {
  // Never destroyed: a booster freed during static destruction crashes inside
  // XGBoost (its thread-local state is already gone), so the fixture outlives it.
  static Fixture& f = *new Fixture;
  return f;
}

void BM_LrBatch(benchmark::State& state) {
  auto& f = fixture();
  std::vector<double> out(kBatch);
  std::size_t offset = 0;
  for (auto _ : state) {
    f.lr->score(f.x.row(offset), kBatch, f.x.cols, out.data());
    benchmark::DoNotOptimize(out.data());
    offset = (offset + kBatch) % (kRows - kBatch);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kBatch);
  state.counters["features"] = double(f.x.cols);
}
BENCHMARK(BM_LrBatch);

void BM_Gbdt100TreesBatch(benchmark::State& state) {
  auto& f = fixture();
  std::vector<double> out(kBatch);
  std::size_t offset = 0;
  for (auto _ : state) {
    f.gbdt->score(f.x.row(offset), kBatch, f.x.cols, out.data());
    benchmark::DoNotOptimize(out.data());
    offset = (offset + kBatch) % (kRows - kBatch);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kBatch);
  state.counters["trees"] = f.gbdt->booster().rounds();
}
BENCHMARK(BM_Gbdt100TreesBatch);

// One row at a time, from its CSV cells, as a request would arrive.
template <bool kTrees>
void BM_SingleRow(benchmark::State& state) {
  auto& f = fixture();
  const auto binding = *f.spec.bind(f.table.columns);
  std::vector<std::string_view> cells(binding.size());
  std::vector<float> x(f.spec.width());
  std::vector<double> lat;
  lat.reserve(1 << 20);
  std::size_t r = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t c = 0; c < binding.size(); ++c) cells[c] = f.table.cells[binding[c]][r];
    f.spec.transform(cells, x);
    double p = 0;
    if constexpr (kTrees)
      f.gbdt->score(x.data(), 1, x.size(), &p);
    else
      f.lr->score(x.data(), 1, x.size(), &p);
    benchmark::DoNotOptimize(p);
    lat.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    r = (r + 1) % kRows;
  }
  std::sort(lat.begin(), lat.end());
  state.counters["p50_us"] = lat[lat.size() / 2];
  state.counters["p99_us"] = lat[lat.size() * 99 / 100];
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK_TEMPLATE(BM_SingleRow, false)->Name("BM_SingleRowLr");
BENCHMARK_TEMPLATE(BM_SingleRow, true)->Name("BM_SingleRowGbdt100Trees");

}  // namespace
}  // namespace icrm::models

BENCHMARK_MAIN();
