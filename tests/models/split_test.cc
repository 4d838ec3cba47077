#include "models/split.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "models/numpy_random.h"

namespace icrm::models {
namespace {

TEST(Split, StratifiedKeepsClassSharesAndIsDeterministic) {
  std::vector<float> y(1000, 0.f);
  for (std::size_t i = 0; i < 1000; i += 10) y[i] = 1.f;
  std::vector<std::size_t> rows(1000);
  std::iota(rows.begin(), rows.end(), 0);
  auto s = stratified_split(rows, y, 0.8, 42);
  EXPECT_EQ(s.train.size(), 800u);
  EXPECT_EQ(s.test.size(), 200u);
  std::size_t pos = 0;
  for (auto r : s.test) pos += y[r] > 0.5f;
  EXPECT_EQ(pos, 20u);
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), 1000u);
  auto again = stratified_split(rows, y, 0.8, 42);
  EXPECT_EQ(again.test, s.test);
  auto other = stratified_split(rows, y, 0.8, 43);
  EXPECT_NE(other.test, s.test);
}

// Golden values from NumPy 1.24 / scikit-learn 1.2 (Debian 12):
//   bg = np.random.MT19937(); bg._legacy_seeding(42); bg.random_raw(3)
//   np.random.RandomState(42).permutation(10)
TEST(Split, NumpyRandomStateMatchesNumpy) {
  NumpyRandomState rng(42);
  EXPECT_EQ(rng.next_uint32(), 1608637542u);
  EXPECT_EQ(rng.next_uint32(), 3421126067u);
  EXPECT_EQ(rng.next_uint32(), 4083286876u);
  NumpyRandomState again(42);
  EXPECT_EQ(again.permutation(10), (std::vector<std::size_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
  EXPECT_EQ(again.permutation(10), (std::vector<std::size_t>{0, 1, 8, 5, 3, 4, 7, 9, 6, 2}));
  NumpyRandomState seven(7);
  auto p = seven.permutation(1000);
  EXPECT_EQ(std::vector<std::size_t>(p.begin(), p.begin() + 8),
            (std::vector<std::size_t>{778, 334, 271, 802, 216, 408, 812, 94}));
}

// sorted(train_test_split(np.arange(n), test_size=t, stratify=y, random_state=s)[1])
TEST(Split, StratifiedEqualsScikitLearnTrainTestSplit) {
  std::vector<float> y(53, 0.f);
  for (std::size_t i = 0; i < 53; ++i) y[i] = (i % 10 == 0 || i % 7 == 3) ? 1.f : 0.f;
  std::vector<std::size_t> rows(53);
  std::iota(rows.begin(), rows.end(), 0);
  EXPECT_EQ(stratified_split(rows, y, 0.8, 42).test,
            (std::vector<std::size_t>{3, 9, 13, 18, 23, 26, 28, 30, 36, 38, 49}));
  EXPECT_EQ(
      stratified_split(rows, y, 0.7, 7).test,
      (std::vector<std::size_t>{5, 6, 11, 13, 17, 18, 25, 29, 33, 36, 38, 43, 46, 49, 50, 52}));
  // Equal remainders: the tie is broken by the generator, as in scikit-learn.
  std::vector<float> half = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  std::vector<std::size_t> ten(10);
  std::iota(ten.begin(), ten.end(), 0);
  EXPECT_EQ(stratified_split(ten, half, 0.5, 3).test, (std::vector<std::size_t>{0, 1, 5, 6, 9}));
}

TEST(Split, RngIsTheSameEverywhere) {
  // Pinned: folds and the demo's synthetic data depend on it.
  Rng rng(42);
  EXPECT_EQ(rng.next(), 0xBDD732262FEB6E95ULL);
  EXPECT_EQ(rng.below(10), 1u);
}

TEST(Split, TimeOrderedTrainsOnThePast) {
  std::vector<std::size_t> rows = {0, 1, 2, 3, 4};
  std::vector<double> t = {5, 1, 4, 2, 3};
  auto s = time_ordered_split(rows, t, 0.6);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_EQ(s.test, (std::vector<std::size_t>{2, 0}));
}

TEST(Split, FoldsCoverEveryRowOnce) {
  std::vector<float> y(100, 0.f);
  for (std::size_t i = 0; i < 30; ++i) y[i] = 1.f;
  std::vector<std::size_t> rows(100);
  std::iota(rows.begin(), rows.end(), 0);
  auto folds = stratified_folds(rows, y, 3, 1);
  std::size_t total = 0;
  for (const auto& f : folds) {
    total += f.size();
    std::size_t pos = 0;
    for (auto r : f) pos += y[r] > 0.5f;
    EXPECT_EQ(pos, 10u);
  }
  EXPECT_EQ(total, 100u);
}

}  // namespace
}  // namespace icrm::models
