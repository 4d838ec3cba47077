// Splitting rows into training and held-out sets: stratified (the class ratio
// kept in both), time-ordered (train on the past, test on the future), and
// stratified folds for cross-validation. Deterministic for a given seed on
// every platform (own generators and shuffles, not the standard library's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace icrm::models {

struct Split {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

// SplitMix64: small, fast, and the same sequence everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::size_t below(std::size_t n);  // uniform in [0, n)
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t state_;
};

// Splits `rows` (indices into `label`) keeping each class's share in both
// parts: exactly the split scikit-learn's train_test_split(rows,
// test_size=1-train_fraction, stratify=label, random_state=seed) makes (same
// rows in test), so figures compare with Python on identical rows. Only the
// low 32 bits of the seed are used (RandomState's range).
Split stratified_split(std::span<const std::size_t> rows, std::span<const float> label,
                       double train_fraction, std::uint64_t seed);
// The earliest `train_fraction` of rows by `order` train, the rest test.
Split time_ordered_split(std::span<const std::size_t> rows, std::span<const double> order,
                         double train_fraction);
// k stratified folds of `rows`.
std::vector<std::vector<std::size_t>> stratified_folds(std::span<const std::size_t> rows,
                                                       std::span<const float> label, std::size_t k,
                                                       std::uint64_t seed);

}  // namespace icrm::models
