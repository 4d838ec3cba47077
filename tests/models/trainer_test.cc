// A whole training run on generated data, the model file, and every bad input
// the issue lists: each must be a clear Error, never a crash.
#include "models/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/model_bundle.h"
#include "tests/models/synthetic.h"
#include "tests/support/temp_dir.h"

namespace icrm::models {
namespace {

TrainOptions options() {
  TrainOptions o;
  o.target = "converted";
  return o;
}

std::string message_of(const Result<TrainingRun>& r) { return r.ok() ? "" : r.error().message; }

TEST(Trainer, TrainsEveryModelAndBeatsTheRuleBaseline) {
  auto table = testing::synthetic_table(3000);
  auto run = train_models(table, options());
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  ASSERT_EQ(run->results.size(), 5u);
  EXPECT_EQ(run->results[0].kind, "rule");
  EXPECT_EQ(run->bundle.positive, "yes");
  double rule_f1 = run->results[0].test.at_threshold.f1(), best_f1 = 0;
  for (const auto& r : run->results) {
    EXPECT_GT(r.test.roc_auc, 0.6) << r.kind;
    if (r.kind != "rule") best_f1 = std::max(best_f1, r.test.at_threshold.f1());
  }
  EXPECT_GT(best_f1, rule_f1);
  EXPECT_EQ(run->rows_train + run->rows_valid + run->rows_test, 3000u);
  auto report = run->report();
  EXPECT_EQ(report["models"].as_array().size(), 5u);
  EXPECT_TRUE(report.contains("columns"));
}

TEST(Trainer, ModelFileRoundTripsAndScoresIdentically) {
  auto table = testing::synthetic_table(2000);
  auto run = train_models(table, options());
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  icrm::testing::TempDir dir("icrm-model");
  auto path = dir.path("model.json");
  ASSERT_TRUE(save_bundle(run->bundle, path).ok());
  auto loaded = load_bundle(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  EXPECT_EQ(loaded->primary, run->bundle.primary);
  EXPECT_EQ(loaded->models.size(), run->bundle.models.size());
  auto binding = *loaded->spec.bind(table.columns);
  std::vector<std::size_t> rows = {0, 1, 2, 3, 4};
  auto x1 = run->bundle.spec.transform_table(table, binding, rows);
  auto x2 = loaded->spec.transform_table(table, binding, rows);
  EXPECT_EQ(x1.data, x2.data);
  for (std::size_t m = 0; m < loaded->models.size(); ++m) {
    std::vector<double> s1(5), p1(5), s2(5), p2(5);
    run->bundle.models[m].predict(x1.data.data(), 5, x1.cols, s1.data(), p1.data());
    loaded->models[m].predict(x2.data.data(), 5, x2.cols, s2.data(), p2.data());
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(p1[i], p2[i], 1e-6) << loaded->models[m].model->kind();
    EXPECT_DOUBLE_EQ(loaded->models[m].threshold, run->bundle.models[m].threshold);
  }
}

TEST(Trainer, OtherVersionAndCorruptedModelFilesAreRefused) {
  auto table = testing::synthetic_table(1000);
  auto o = options();
  o.models = {"lr"};
  auto run = train_models(table, o);
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  std::string text = boost::json::serialize(bundle_to_json(run->bundle));
  EXPECT_TRUE(bundle_from_json(text).ok());

  auto other = bundle_to_json(run->bundle);
  other["format_version"] = kModelFormatVersion + 1;
  auto v = bundle_from_json(boost::json::serialize(other));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("format version 3"), std::string::npos) << v.error().message;
  other["format_version"] = kOldestModelFormatVersion;  // a file written before category splits
  EXPECT_TRUE(bundle_from_json(boost::json::serialize(other)).ok());
  other["format_version"] = kOldestModelFormatVersion - 1;
  EXPECT_FALSE(bundle_from_json(boost::json::serialize(other)).ok());

  auto truncated = bundle_from_json(text.substr(0, text.size() / 2));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("not valid JSON"), std::string::npos);

  EXPECT_FALSE(bundle_from_json(R"({"hello": 1})").ok());
  EXPECT_FALSE(bundle_from_json("").ok());
  auto wrong = bundle_to_json(run->bundle);
  wrong["models"].as_array()[1].as_object()["model"].as_object()["weights"] =
      boost::json::array{1.0, 2.0};
  auto w = bundle_from_json(boost::json::serialize(wrong));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("does not fit"), std::string::npos) << w.error().message;
  auto no_spec = bundle_to_json(run->bundle);
  no_spec.erase("features");
  EXPECT_FALSE(bundle_from_json(boost::json::serialize(no_spec)).ok());
  EXPECT_FALSE(load_bundle("/nonexistent/model.json").ok());
}

TEST(Trainer, MissingTargetColumn) {
  auto table = testing::synthetic_table(200);
  auto o = options();
  o.target = "won";
  auto run = train_models(table, o);
  EXPECT_NE(message_of(run).find("\"won\" is not in the CSV"), std::string::npos)
      << message_of(run);
}

TEST(Trainer, ConstantTargetHasOneClass) {
  auto table = *features::read_csv_table_from_string("a,b,y\n1,x,no\n2,y,no\n3,x,no\n");
  TrainOptions o;
  o.target = "y";
  auto run = train_models(table, o);
  EXPECT_NE(message_of(run).find("one value only"), std::string::npos) << message_of(run);
}

TEST(Trainer, PositiveValueThatNeverOccurs) {
  auto table = testing::synthetic_table(200);
  auto o = options();
  o.positive = "won";
  auto run = train_models(table, o);
  EXPECT_NE(message_of(run).find("one class"), std::string::npos) << message_of(run);
}

TEST(Trainer, ManyValuedTargetNeedsPositive) {
  auto table = testing::synthetic_table(300);
  auto o = options();
  o.target = "plan";
  auto run = train_models(table, o);
  EXPECT_NE(message_of(run).find("--positive"), std::string::npos) << message_of(run);
  o.positive = "pro";
  EXPECT_TRUE(train_models(table, o).ok());
}

TEST(Trainer, HeaderOnlyAndTooFewRows) {
  auto empty = *features::read_csv_table_from_string("a,y\n");
  TrainOptions o;
  o.target = "y";
  EXPECT_NE(message_of(train_models(empty, o)).find("no data rows"), std::string::npos);
  auto few = *features::read_csv_table_from_string("a,y\n1,yes\n2,no\n");
  EXPECT_NE(message_of(train_models(few, o)).find("too few"), std::string::npos);
}

TEST(Trainer, NonNumbersInNumericColumnAreCountedInAWarning) {
  std::string csv = testing::synthetic_csv(1000);
  // Spoil three visits cells with text.
  for (int k = 0; k < 3; ++k) {
    auto pos = csv.find(",pro,", csv.size() / 4 * (k + 1));
    auto start = csv.rfind(',', pos - 1);
    csv.replace(start + 1, pos - start - 1, "lots");
  }
  auto table = *features::read_csv_table_from_string(csv);
  auto run = train_models(table, options());
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  bool warned = false;
  for (const auto& w : run->warnings)
    warned = warned ||
             (w.find("visits") != std::string::npos && w.find("not numbers") != std::string::npos);
  EXPECT_TRUE(warned);
}

TEST(Trainer, ExcludeUnknownColumnAndUnknownModel) {
  auto table = testing::synthetic_table(300);
  auto o = options();
  o.exclude = {"duration"};
  EXPECT_NE(message_of(train_models(table, o)).find("duration"), std::string::npos);
  o = options();
  o.models = {"svm"};
  EXPECT_NE(message_of(train_models(table, o)).find("unknown model"), std::string::npos);
}

TEST(Trainer, ExcludedColumnsAreNotFeatures) {
  auto table = testing::synthetic_table(800);
  auto o = options();
  o.exclude = {"visits"};
  o.models = {"lr"};
  auto run = train_models(table, o);
  ASSERT_TRUE(run.ok());
  for (const auto& n : run->bundle.spec.feature_names())
    EXPECT_EQ(n.find("visits"), std::string::npos);
}

// The boosted trees keep whichever setting scores better on the validation
// rows: a single tree loses to a grown forest, whichever side it is on.
TEST(Trainer, BoostedTreesKeepTheSettingWithTheBetterValidationAuc) {
  auto table = testing::synthetic_table(3000);
  BoosterParams stump;
  stump.max_rounds = 1;
  stump.max_depth = 1;
  for (bool stump_first : {true, false}) {
    auto o = options();
    o.models = {"gbdt"};
    o.booster = stump_first ? stump : BoosterParams{};
    o.booster_alternatives = {stump_first ? leafwise_booster() : stump};
    auto run = train_models(table, o);
    ASSERT_TRUE(run.ok()) << run.error().to_string();
    const auto& gbdt = run->results.back();
    ASSERT_EQ(gbdt.kind, "gbdt");
    EXPECT_NE(gbdt.detail.rfind("1 trees", 0), 0u) << gbdt.detail;
    EXPECT_EQ(gbdt.detail.find("lv") != std::string::npos, stump_first) << gbdt.detail;
  }
}

// One tree shape by the size of the data: depth-4 trees below
// large_data_rows fit rows, leaf-wise ones from there up; and the final fit,
// trained alongside the probe on its own thread, is the model the sequential
// run (probe, then final fit) makes.
TEST(Trainer, BoostedTreesTakeTheirShapeFromTheSizeOfTheData) {
  auto table = testing::synthetic_table(3000);
  std::vector<std::string> details, models;
  for (std::size_t large_from : {std::size_t(100'000), std::size_t(1000)}) {
    for (bool parallel : {true, false}) {
      auto o = options();
      o.models = {"gbdt"};
      o.large_data_rows = large_from;
      o.parallel = parallel;
      auto run = train_models(table, o);
      ASSERT_TRUE(run.ok()) << run.error().to_string();
      details.push_back(run->results.back().detail);
      models.push_back(boost::json::serialize(run->bundle.models.back().model->to_json()));
    }
  }
  EXPECT_NE(details[0].find(", d4"), std::string::npos) << details[0];
  EXPECT_NE(details[2].find(", 31 lv"), std::string::npos) << details[2];
  EXPECT_EQ(details[0], details[1]);
  EXPECT_EQ(models[0], models[1]);
  EXPECT_EQ(details[2], details[3]);
  EXPECT_EQ(models[2], models[3]);
}

TEST(Trainer, TimeOrderedSplitTestsOnTheLatestRows) {
  std::string csv = "day,x,y\n";
  for (int i = 0; i < 400; ++i)
    csv += "2024-01-01," + std::to_string(i % 7) + "," + (i % 7 > 3 ? "yes" : "no") + "\n";
  for (int i = 0; i < 100; ++i)
    csv += "2024-06-01," + std::to_string(i % 7) + "," + (i % 7 > 3 ? "yes" : "no") + "\n";
  auto table = *features::read_csv_table_from_string(csv);
  TrainOptions o;
  o.target = "y";
  o.time_column = "day";
  o.models = {"lr"};
  auto run = train_models(table, o);
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run->rows_test, 100u);
}

}  // namespace
}  // namespace icrm::models
