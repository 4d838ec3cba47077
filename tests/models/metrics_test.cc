#include "models/metrics.h"

#include <gtest/gtest.h>

#include <vector>

namespace icrm::models {
namespace {

TEST(Metrics, RocAucKnownValues) {
  std::vector<float> y = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.1, 0.4, 0.35, 0.8}, y), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.1, 0.2, 0.3, 0.4}, y), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.5, 0.5, 0.5, 0.5}, y), 0.5);  // ties count half
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{0.1, 0.2}, std::vector<float>{1, 1}), 0.5);
}

TEST(Metrics, PrAucIsAveragePrecision) {
  std::vector<float> y = {1, 0, 1, 0};
  std::vector<double> s = {0.9, 0.8, 0.7, 0.1};
  EXPECT_NEAR(pr_auc(s, y), 0.5 * 1.0 + 0.5 * (2.0 / 3.0), 1e-12);
}

TEST(Metrics, ConfusionAndF1) {
  std::vector<float> y = {1, 1, 0, 0, 1};
  std::vector<double> p = {0.9, 0.4, 0.6, 0.1, 0.7};
  auto c = confusion_at(p, y, 0.5);
  EXPECT_EQ(c.tp, 2u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_EQ(c.fp, 1u);
  EXPECT_EQ(c.tn, 1u);
  EXPECT_DOUBLE_EQ(c.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.f1(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.6);
}

TEST(Metrics, BestF1ThresholdAndLift) {
  std::vector<float> y = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<double> p = {0.9, 0.8, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05, 0.01};
  EXPECT_DOUBLE_EQ(best_f1_threshold(p, y), 0.8);
  EXPECT_DOUBLE_EQ(lift_at(p, y, 0.2), 5.0);  // top 2 rows are both positive; base rate 0.2
}

TEST(Metrics, LogLossBrierAndCalibrationTable) {
  std::vector<float> y = {1, 0};
  std::vector<double> p = {0.8, 0.3};
  auto m = evaluate(p, p, y, 0.5);
  EXPECT_NEAR(m.log_loss, -(std::log(0.8) + std::log(0.7)) / 2, 1e-12);
  EXPECT_NEAR(m.brier, (0.04 + 0.09) / 2, 1e-12);
  ASSERT_EQ(m.calibration.size(), 10u);
  EXPECT_EQ(m.calibration[8].count, 1u);
  EXPECT_DOUBLE_EQ(m.calibration[8].observed_rate, 1.0);
  EXPECT_EQ(m.calibration[3].count, 1u);
  auto json = m.to_json();
  EXPECT_TRUE(json.contains("roc_auc"));
  EXPECT_TRUE(json.contains("lift"));
}

}  // namespace
}  // namespace icrm::models
