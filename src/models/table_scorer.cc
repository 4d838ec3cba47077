#include "models/table_scorer.h"

#include <algorithm>
#include <numeric>

namespace icrm::models {

std::string_view priority_tier(const ScoredModel& model, double probability) {
  if (probability >= model.threshold) return "hot";
  if (probability >= model.warm_threshold) return "warm";
  return "cold";
}

Result<TableScores> score_table(const features::FeatureSpec& spec, const ScoredModel& model,
                                const features::Table& table, std::size_t top) {
  auto binding = spec.bind(table.columns);
  if (!binding) return binding.error();
  const std::size_t n = table.rows, d = spec.width();
  TableScores out;
  out.score.resize(n);
  out.probability.resize(n);
  out.counts.non_numeric.assign(spec.columns().size(), 0);
  out.counts.unseen_level.assign(spec.columns().size(), 0);
  std::vector<float> x(std::min(n, kScoringBatchRows) * d);
  std::vector<std::string_view> cells(spec.columns().size());
  auto row_cells = [&](std::size_t r) {
    for (std::size_t c = 0; c < cells.size(); ++c) cells[c] = table.cells[(*binding)[c]][r];
  };
  out.factors.resize(n);
  for (std::size_t begin = 0; begin < n; begin += kScoringBatchRows) {
    const std::size_t rows = std::min(kScoringBatchRows, n - begin);
    for (std::size_t i = 0; i < rows; ++i) {
      row_cells(begin + i);
      std::span<float> row(x.data() + i * d, d);
      spec.transform(cells, row, &out.counts);
      if (top > 0) out.factors[begin + i] = explain(*model.model, spec, cells, row, top);
    }
    model.predict(x.data(), rows, d, out.score.data() + begin, out.probability.data() + begin);
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return out.score[l] > out.score[r]; });
  out.rank.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.rank[order[i]] = i + 1;
  out.tier.resize(n);
  for (std::size_t r = 0; r < n; ++r) out.tier[r] = priority_tier(model, out.probability[r]);
  return out;
}

}  // namespace icrm::models
