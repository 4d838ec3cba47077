#include "models/split.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/numpy_random.h"

namespace icrm::models {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::size_t Rng::below(std::size_t n) {
  // Multiply-shift; the bias is far below anything a split could show.
  return static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
}

namespace {

// scikit-learn's _approximate_mode: how many of `n_draws` each class gets,
// ties in the remainders broken by the generator as scikit-learn does.
std::vector<std::size_t> approximate_mode(const std::vector<std::size_t>& counts,
                                          std::size_t n_draws, NumpyRandomState& rng) {
  double total = 0;
  for (auto c : counts) total += double(c);
  std::vector<double> continuous(counts.size()), floored(counts.size());
  double floored_sum = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    continuous[i] = double(counts[i]) / total * double(n_draws);
    floored[i] = std::floor(continuous[i]);
    floored_sum += floored[i];
  }
  auto need = static_cast<long long>(double(n_draws) - floored_sum);
  if (need > 0) {
    std::vector<double> remainder(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) remainder[i] = continuous[i] - floored[i];
    std::vector<double> values = remainder;
    std::sort(values.begin(), values.end(), std::greater<>());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    for (double value : values) {
      std::vector<std::size_t> inds;
      for (std::size_t i = 0; i < remainder.size(); ++i)
        if (remainder[i] == value) inds.push_back(i);
      auto add_now = std::min<long long>(static_cast<long long>(inds.size()), need);
      // RandomState.choice(inds, add_now, replace=False) = inds[permutation(len)[:add_now]]
      auto perm = rng.permutation(inds.size());
      for (long long j = 0; j < add_now; ++j) floored[inds[perm[static_cast<std::size_t>(j)]]] += 1;
      need -= add_now;
      if (need == 0) break;
    }
  }
  std::vector<std::size_t> out(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) out[i] = static_cast<std::size_t>(floored[i]);
  return out;
}

}  // namespace

Split stratified_split(std::span<const std::size_t> rows, std::span<const float> label,
                       double train_fraction, std::uint64_t seed) {
  // scikit-learn's StratifiedShuffleSplit as train_test_split runs it: test
  // size ceil(test_fraction * n), classes in label order (0 then 1), each
  // class's positions permuted, train takes the first n_i, test the next t_i.
  const std::size_t n = rows.size();
  const double test_fraction = std::round((1 - train_fraction) * 1e12) / 1e12;
  const auto n_test = std::min(n, static_cast<std::size_t>(std::ceil(test_fraction * double(n))));
  const std::size_t n_train = n - n_test;
  std::vector<std::vector<std::size_t>> classes(2);  // positions in `rows`, ascending
  for (std::size_t i = 0; i < n; ++i) classes[label[rows[i]] > 0.5f ? 1 : 0].push_back(i);
  std::erase_if(classes, [](const auto& c) { return c.empty(); });
  Split split;
  if (classes.empty()) return split;
  std::vector<std::size_t> counts;
  for (const auto& c : classes) counts.push_back(c.size());
  NumpyRandomState rng(static_cast<std::uint32_t>(seed));
  auto n_i = approximate_mode(counts, n_train, rng);
  std::vector<std::size_t> remaining(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) remaining[i] = counts[i] - n_i[i];
  auto t_i = approximate_mode(remaining, n_test, rng);
  for (std::size_t i = 0; i < classes.size(); ++i) {
    auto perm = rng.permutation(counts[i]);
    for (std::size_t j = 0; j < n_i[i] + t_i[i] && j < perm.size(); ++j)
      (j < n_i[i] ? split.train : split.test).push_back(rows[classes[i][perm[j]]]);
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

Split time_ordered_split(std::span<const std::size_t> rows, std::span<const double> order,
                         double train_fraction) {
  std::vector<std::size_t> sorted(rows.begin(), rows.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
  auto n_train = static_cast<std::size_t>(std::llround(train_fraction * double(sorted.size())));
  Split split;
  split.train.assign(sorted.begin(), sorted.begin() + std::ptrdiff_t(n_train));
  split.test.assign(sorted.begin() + std::ptrdiff_t(n_train), sorted.end());
  return split;
}

std::vector<std::vector<std::size_t>> stratified_folds(std::span<const std::size_t> rows,
                                                       std::span<const float> label, std::size_t k,
                                                       std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::size_t> pos, neg;
  for (std::size_t r : rows) (label[r] > 0.5f ? pos : neg).push_back(r);
  rng.shuffle(pos);
  rng.shuffle(neg);
  std::vector<std::vector<std::size_t>> folds(k);
  std::size_t i = 0;
  for (auto* group : {&neg, &pos})
    for (std::size_t r : *group) folds[i++ % k].push_back(r);
  return folds;
}

}  // namespace icrm::models
