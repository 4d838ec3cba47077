#include "models/split.h"

#include <algorithm>
#include <cmath>

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

Split stratified_split(std::span<const std::size_t> rows, std::span<const float> label,
                       double train_fraction, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::size_t> pos, neg;
  for (std::size_t r : rows) (label[r] > 0.5f ? pos : neg).push_back(r);
  Split split;
  for (auto* group : {&neg, &pos}) {
    rng.shuffle(*group);
    auto n_train = static_cast<std::size_t>(std::llround(train_fraction * double(group->size())));
    split.train.insert(split.train.end(), group->begin(), group->begin() + std::ptrdiff_t(n_train));
    split.test.insert(split.test.end(), group->begin() + std::ptrdiff_t(n_train), group->end());
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
