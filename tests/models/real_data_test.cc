// Quality floors on the real public data sets (../shared/datasets or
// $ICRM_DATASETS), seed 42, stratified 80:20 — the split is scikit-learn's
// train_test_split(stratify=y, random_state=42), bit for bit. Skipped when the
// data is absent.
//
// The floors are the issue's: bank marketing without duration ROC-AUC >= 0.80
// (logistic regression) and >= 0.81 (boosted trees); with duration >= 0.95
// (boosted trees); telco churn >= 0.84 for both. Logistic regression with
// duration reaches 0.947 here (0.946 before the log1p features), short of 0.95 (scikit-learn's
// LogisticRegression: 0.942 on the same split), so its floor is 0.94.
// Figures and the same-run comparison with scikit-learn: bench/README.md.
// The settings were chosen on validation folds of the training rows only
// (bench/model_selection.cc), never on these test rows.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "models/trainer.h"

namespace icrm::models {
namespace {

std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("ICRM_DATASETS")) return env;
  return std::filesystem::path(ICRM_SOURCE_DIR) / ".." / "shared" / "datasets";
}

struct Floors {
  double lr, gbdt;
};

void check(const std::string& rel, const std::string& target, std::set<std::string> exclude,
           Floors floors) {
  auto path = datasets_dir() / rel;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  auto table = features::read_csv_table(path.string());
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  TrainOptions o;
  o.target = target;
  o.exclude = std::move(exclude);
  o.seed = 42;
  auto run = train_models(*table, o);
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  double rule_f1 = 0, best_f1 = 0;
  for (const auto& r : run->results) {
    ::testing::Test::RecordProperty(r.kind + "_auc", std::to_string(r.test.roc_auc));
    std::cout << r.kind << " ROC-AUC " << r.test.roc_auc << " F1 " << r.test.at_threshold.f1()
              << "\n";
    if (r.kind == "lr") EXPECT_GE(r.test.roc_auc, floors.lr);
    if (r.kind == "gbdt") EXPECT_GE(r.test.roc_auc, floors.gbdt);
    if (r.kind == "rule") {
      rule_f1 = r.test.at_threshold.f1();
    } else {
      best_f1 = std::max(best_f1, r.test.at_threshold.f1());
    }
  }
  EXPECT_GT(best_f1, rule_f1);
}

TEST(RealData, BankWithoutDuration) {
  check("bank-marketing/bank-additional-full.csv", "y", {"duration"}, {.lr = 0.80, .gbdt = 0.81});
}

TEST(RealData, BankWithDuration) {
  check("bank-marketing/bank-additional-full.csv", "y", {}, {.lr = 0.94, .gbdt = 0.95});
}

TEST(RealData, TelcoChurn) {
  check("telco-churn/telco-churn.csv", "Churn", {"customerID"}, {.lr = 0.84, .gbdt = 0.84});
}

}  // namespace
}  // namespace icrm::models
