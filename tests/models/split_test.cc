#include "models/split.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

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

TEST(Split, RngIsTheSameEverywhere) {
  // Pinned so bench/compare_sklearn.py, which re-implements it, stays in step.
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
