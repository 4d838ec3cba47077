// Each model on generated data with a known signal: it must rank well above
// chance, survive a JSON round trip unchanged, and explain with the right columns.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <numeric>
#include <regex>

#include "features/feature_spec.h"
#include "models/base64.h"
#include "models/explanation.h"
#include "models/gbdt_model.h"
#include "models/hybrid_model.h"
#include "models/logistic_regression.h"
#include "models/metrics.h"
#include "models/platt_calibrator.h"
#include "models/rule_baseline.h"
#include "models/weighted_score.h"
#include "tests/models/synthetic.h"

namespace icrm::models {
namespace {

class ModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_ = testing::synthetic_table(4000);
    features::InferenceOptions inference;
    inference.exclude = {"converted"};
    profiles_ = features::infer_schema(table_, inference);
    std::vector<std::size_t> rows(table_.rows);
    std::iota(rows.begin(), rows.end(), 0);
    train_rows_.assign(rows.begin(), rows.begin() + 3000);
    test_rows_.assign(rows.begin() + 3000, rows.end());
    spec_ = *features::FeatureSpec::fit(table_, profiles_, train_rows_, {});
    binding_ = *spec_.bind(table_.columns);
    x_train_ = spec_.transform_table(table_, binding_, train_rows_);
    x_test_ = spec_.transform_table(table_, binding_, test_rows_);
    int target = table_.find("converted");
    for (auto r : train_rows_) y_train_.push_back(table_.cells[target][r] == "yes");
    for (auto r : test_rows_) y_test_.push_back(table_.cells[target][r] == "yes");
  }

  double test_auc(const Model& m) {
    std::vector<double> s(x_test_.rows);
    m.score(x_test_.data.data(), x_test_.rows, x_test_.cols, s.data());
    return roc_auc(s, y_test_);
  }

  Dataset train() { return {&x_train_, y_train_}; }

  // The first 2,400 training rows to fit on, the last 600 to stop early on.
  void split_validation() {
    x_fit_ = x_train_;
    x_fit_.rows = 2400;
    x_fit_.data.resize(2400 * x_fit_.cols);
    x_val_.rows = 600;
    x_val_.cols = x_train_.cols;
    x_val_.data.assign(x_train_.data.begin() + std::ptrdiff_t(2400 * x_train_.cols),
                       x_train_.data.end());
    y_fit_.assign(y_train_.begin(), y_train_.begin() + 2400);
    y_val_.assign(y_train_.begin() + 2400, y_train_.end());
  }

  std::vector<double> scores(const Model& m) {
    std::vector<double> s(x_test_.rows);
    m.score(x_test_.data.data(), x_test_.rows, x_test_.cols, s.data());
    return s;
  }

  features::Table table_;
  std::vector<features::ColumnProfile> profiles_;
  std::vector<std::size_t> train_rows_, test_rows_, binding_;
  features::FeatureSpec spec_;
  features::Matrix x_train_, x_test_, x_fit_, x_val_;
  std::vector<float> y_train_, y_test_, y_fit_, y_val_;
};

TEST_F(ModelsTest, LeadIdIsIgnoredAsAnIdentifier) {
  for (const auto& name : spec_.feature_names()) EXPECT_EQ(name.find("lead id"), std::string::npos);
}

TEST_F(ModelsTest, LogisticRegressionLearnsAndRoundTrips) {
  auto lr = LogisticRegression::train(train(), {});
  ASSERT_TRUE(lr.ok()) << lr.error().to_string();
  EXPECT_GT(test_auc(**lr), 0.75);
  auto again = model_from_json((*lr)->to_json());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(scores(**again), scores(**lr));
  // The plan coefficient signs follow the generator: pro > starter > free.
  const auto& names = spec_.feature_names();
  auto w = [&](const std::string& n) {
    return (*lr)->weights()[std::size_t(std::find(names.begin(), names.end(), n) - names.begin())];
  };
  EXPECT_GT(w("plan=pro"), w("plan=free"));
  EXPECT_GT(w("opened"), 0);
}

// Cross-validation folds walked on threads of their own choose the same C
// and give the same weights, bit for bit, as folds walked one after another.
TEST_F(ModelsTest, LogisticRegressionFoldsOnThreadsGiveTheSameModel) {
  LogisticRegressionOptions sequential, parallel;
  parallel.parallel = true;
  auto a = LogisticRegression::train(train(), sequential);
  auto b = LogisticRegression::train(train(), parallel);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->c(), (*b)->c());
  EXPECT_EQ((*a)->weights(), (*b)->weights());
  EXPECT_EQ((*a)->bias(), (*b)->bias());
}

TEST_F(ModelsTest, LogisticRegressionNeedsBothClasses) {
  std::vector<float> ones(y_train_.size(), 1.f);
  auto lr = LogisticRegression::train({&x_train_, ones}, {.c = 1});
  ASSERT_FALSE(lr.ok());
  EXPECT_NE(lr.error().message.find("both classes"), std::string::npos);
}

TEST_F(ModelsTest, GradientBoostingLearnsStopsEarlyAndRoundTrips) {
  split_validation();
  BoosterParams params;
  params.max_rounds = 400;
  auto gbdt = GbdtModel::train({&x_fit_, y_fit_}, {&x_val_, y_val_}, params);
  ASSERT_TRUE(gbdt.ok()) << gbdt.error().to_string();
  EXPECT_LT((*gbdt)->booster().rounds(), 400);  // early stopping kicked in
  EXPECT_GT(test_auc(**gbdt), 0.75);
  auto json = (*gbdt)->to_json();
  auto again = model_from_json(json);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  auto a = scores(**gbdt), b = scores(**again);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
  // The flattened trees score exactly as XGBoost does.
  std::vector<double> xgb(x_test_.rows);
  ASSERT_TRUE(
      (*gbdt)->score_checked(x_test_.data.data(), x_test_.rows, x_test_.cols, xgb.data()).ok());
  for (std::size_t i = 0; i < a.size(); ++i) {
    double one = 0;  // a single row goes through the flattened trees
    (*gbdt)->score(x_test_.row(i), 1, x_test_.cols, &one);
    ASSERT_NEAR(one, xgb[i], 1e-5) << i;
    ASSERT_NEAR(a[i], xgb[i], 1e-6) << i;
  }
  std::vector<float> with_missing(x_test_.row(1), x_test_.row(1) + x_test_.cols);
  for (std::size_t j = 0; j < with_missing.size(); j += 2) with_missing[j] = NAN;
  double p_forest = 0, p_xgb = 0;
  (*gbdt)->score(with_missing.data(), 1, x_test_.cols, &p_forest);
  ASSERT_TRUE((*gbdt)->score_checked(with_missing.data(), 1, x_test_.cols, &p_xgb).ok());
  EXPECT_NEAR(p_forest, p_xgb, 1e-5);
  // SHAP values sum to the margin.
  std::vector<double> c(x_test_.cols + 1);
  (*gbdt)->contributions(x_test_.row(0), x_test_.cols, c);
  double margin = std::accumulate(c.begin(), c.end(), 0.0);
  EXPECT_NEAR(1 / (1 + std::exp(-margin)), a[0], 1e-4);
}

// Trees that read only some columns of the row still score, explain and
// round-trip on whole rows.
TEST_F(ModelsTest, GradientBoostingOnAColumnSubsetTakesWholeRows) {
  std::vector<std::uint32_t> columns;
  for (std::uint32_t j = 0; j < x_train_.cols; j += 2) columns.push_back(j);
  BoosterParams params;
  params.max_rounds = 60;
  features::Matrix none;
  none.cols = x_train_.cols;
  auto gbdt = GbdtModel::train(train(), {&none, {}}, params, {}, columns);
  ASSERT_TRUE(gbdt.ok()) << gbdt.error().to_string();
  EXPECT_EQ((*gbdt)->booster().features(), columns.size());
  EXPECT_TRUE((*gbdt)->fits_width(x_train_.cols));
  EXPECT_FALSE((*gbdt)->fits_width(columns.size()));
  EXPECT_GT(test_auc(**gbdt), 0.7);
  auto again = model_from_json((*gbdt)->to_json());
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE((*again)->fits_width(x_train_.cols));
  auto a = scores(**gbdt), b = scores(**again);
  std::vector<double> xgb(x_test_.rows);
  ASSERT_TRUE(
      (*gbdt)->score_checked(x_test_.data.data(), x_test_.rows, x_test_.cols, xgb.data()).ok());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_NEAR(a[i], b[i], 1e-6) << i;
    double one = 0;  // the flattened trees read the same columns of the whole row
    (*gbdt)->score(x_test_.row(i), 1, x_test_.cols, &one);
    ASSERT_NEAR(one, xgb[i], 1e-5) << i;
  }
  std::vector<double> c(x_test_.cols + 1);
  (*gbdt)->contributions(x_test_.row(0), x_test_.cols, c);
  for (std::size_t j = 1; j < x_test_.cols; j += 2)
    EXPECT_EQ(c[j], 0.0) << "column " << j << " is not read";
  double margin = std::accumulate(c.begin(), c.end(), 0.0);
  EXPECT_NEAR(1 / (1 + std::exp(-margin)), a[0], 1e-4);
  columns.push_back(static_cast<std::uint32_t>(x_train_.cols));
  EXPECT_FALSE(GbdtModel::train(train(), {&none, {}}, params, {}, columns).ok())
      << "a column past the row";
}

// Trees that read a categorical column's one-hot block as one category code
// (native categorical splits): the flattened trees give XGBoost's
// probabilities, the model file keeps the blocks, and each block's SHAP
// share lands on the row's set column.
TEST_F(ModelsTest, GradientBoostingSplitsCategoryBlocksBySets) {
  std::vector<std::uint32_t> columns, groups;
  for (const auto& col : spec_.columns()) {
    const bool block = col.kind == features::ColumnKind::kCategorical && col.width > 1;
    for (std::size_t j = 0; j < (block ? 1 : col.width); ++j) {
      columns.push_back(static_cast<std::uint32_t>(col.offset + j));
      groups.push_back(block ? static_cast<std::uint32_t>(col.width) : 1);
    }
  }
  ASSERT_TRUE(std::any_of(groups.begin(), groups.end(), [](auto g) { return g >= 3; }))
      << "plan and region";
  BoosterParams params;
  params.max_rounds = 60;
  features::Matrix none;
  none.cols = x_train_.cols;
  auto gbdt = GbdtModel::train(train(), {&none, {}}, params, {}, columns, groups);
  ASSERT_TRUE(gbdt.ok()) << gbdt.error().to_string();
  EXPECT_EQ((*gbdt)->booster().features(), columns.size());
  EXPECT_GT(test_auc(**gbdt), 0.7);
  const auto json = (*gbdt)->to_json();
  ASSERT_TRUE(json.contains("groups"));
  auto dump = (*gbdt)->booster().save_json();
  ASSERT_TRUE(dump.ok());
  EXPECT_TRUE(std::regex_search(*dump, std::regex(R"("split_type":\[[^\]]*1)")))
      << "no category split was made";
  auto again = model_from_json(json);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  auto a = scores(**gbdt), b = scores(**again);
  std::vector<double> xgb(x_test_.rows);
  ASSERT_TRUE(
      (*gbdt)->score_checked(x_test_.data.data(), x_test_.rows, x_test_.cols, xgb.data()).ok());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_NEAR(a[i], b[i], 1e-6) << i;
    double one = 0;
    (*gbdt)->score(x_test_.row(i), 1, x_test_.cols, &one);
    ASSERT_NEAR(one, xgb[i], 1e-5) << i;
    double again_one = 0;
    (*again)->score(x_test_.row(i), 1, x_test_.cols, &again_one);
    ASSERT_NEAR(again_one, xgb[i], 1e-5) << i;
  }
  // A row with no level set (all of a block's columns 0) is a missing category.
  std::vector<float> row(x_test_.row(0), x_test_.row(0) + x_test_.cols);
  for (std::size_t j = 0; j < columns.size(); ++j)
    if (groups[j] > 1) std::fill_n(row.begin() + columns[j], groups[j], 0.f);
  double flat = 0, batch = 0;
  (*gbdt)->score(row.data(), 1, row.size(), &flat);
  ASSERT_TRUE((*gbdt)->score_checked(row.data(), 1, row.size(), &batch).ok());
  EXPECT_NEAR(flat, batch, 1e-5);
  for (std::size_t i = 0; i < 20; ++i) {
    std::vector<double> c(x_test_.cols + 1);
    (*gbdt)->contributions(x_test_.row(i), x_test_.cols, c);
    for (std::size_t j = 0; j < columns.size(); ++j)
      for (std::uint32_t k = 0; k < groups[j]; ++k)
        if (groups[j] > 1 && x_test_.row(i)[columns[j] + k] == 0.f)
          EXPECT_EQ(c[columns[j] + k], 0.0) << "only the set column of a block is credited";
    double margin = std::accumulate(c.begin(), c.end(), 0.0);
    EXPECT_NEAR(1 / (1 + std::exp(-margin)), a[i], 1e-4);
  }
  auto bad = groups;
  bad.back() = static_cast<std::uint32_t>(x_train_.cols);
  EXPECT_FALSE(GbdtModel::train(train(), {&none, {}}, params, {}, columns, bad).ok())
      << "a block past the row";
}

// Settings trained one after another on data built once (XGBoost keeps
// the histogram bins in it) give the same boosters as each on data of its own.
TEST_F(ModelsTest, GradientBoostingSharesItsDataBetweenSettings) {
  split_validation();
  std::vector<std::uint32_t> columns;
  for (std::uint32_t j = 0; j < x_train_.cols; j += 2) columns.push_back(j);
  BoosterParams depthwise, leafwise;
  depthwise.max_rounds = leafwise.max_rounds = 300;
  leafwise.max_depth = 0;
  leafwise.max_leaves = 15;
  auto data = GbdtModel::booster_data({&x_fit_, y_fit_}, {&x_val_, y_val_}, columns);
  ASSERT_TRUE(data.ok()) << data.error().to_string();
  EXPECT_EQ(data->cols(), columns.size());
  EXPECT_TRUE(data->has_validation());
  for (const auto& params : {depthwise, leafwise, depthwise}) {
    auto shared = GbdtModel::train(*data, params, {}, columns, x_train_.cols);
    auto alone = GbdtModel::train({&x_fit_, y_fit_}, {&x_val_, y_val_}, params, {}, columns);
    ASSERT_TRUE(shared.ok() && alone.ok());
    EXPECT_EQ((*shared)->booster().rounds(), (*alone)->booster().rounds());
    EXPECT_EQ(scores(**shared), scores(**alone));
  }
  EXPECT_FALSE(GbdtModel::train(*data, depthwise, {}, columns, columns.size() + 1).ok())
      << "columns beyond the width";
}

// XGBoost's hist method grows the same trees on any number of threads, also
// when the number changes between rounds (the trainer gives the trees a
// second thread once the linear models are done): the model cannot depend
// on the timing.
TEST_F(ModelsTest, BoosterGrowsTheSameTreesOnAnyNumberOfThreads) {
  split_validation();
  auto data = BoosterData::make(x_fit_, y_fit_, x_val_, y_val_);
  ASSERT_TRUE(data.ok()) << data.error().to_string();
  BoosterParams params;
  params.max_rounds = 60;
  params.max_depth = 0;
  params.max_leaves = 31;
  auto one = Booster::train(*data, params);
  params.nthread = 2;
  auto two = Booster::train(*data, params);
  std::atomic<int> budget{1};
  params.nthread = 1;
  params.thread_budget = &budget;
  auto switching = Booster::train(*data, params, [&](int round, double) {
    if (round == 20) budget = 2;
  });
  ASSERT_TRUE(one.ok() && two.ok() && switching.ok());
  EXPECT_EQ(*one->save(), *two->save());
  EXPECT_EQ(*one->save(), *switching->save());
}

// A final fit told its rounds before it starts, while it is short of them
// or after it has passed them keeps exactly that many.
TEST_F(ModelsTest, BoosterStopsAtTheRoundsItIsTold) {
  features::Matrix none;
  none.cols = x_train_.cols;
  auto data = BoosterData::make(x_train_, y_train_, none, {});
  ASSERT_TRUE(data.ok()) << data.error().to_string();
  BoosterParams exact;
  exact.max_rounds = 30;
  auto reference = Booster::train(*data, exact);
  ASSERT_TRUE(reference.ok());
  for (int told_at : {-1, 10, 35}) {
    std::promise<int> rounds;
    BoosterParams params;
    params.max_rounds = 40;
    params.stop_at_rounds = rounds.get_future().share();
    if (told_at < 0) rounds.set_value(30);
    auto b = Booster::train(*data, params, [&](int round, double) {
      if (round == told_at) rounds.set_value(30);
    });
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    EXPECT_EQ(b->rounds(), 30) << "told at round " << told_at;
    std::vector<double> got(x_test_.rows), want(x_test_.rows);
    ASSERT_TRUE(b->predict(x_test_.data.data(), x_test_.rows, x_test_.cols, got.data()).ok());
    ASSERT_TRUE(
        reference->predict(x_test_.data.data(), x_test_.rows, x_test_.cols, want.data()).ok());
    EXPECT_EQ(got, want) << "told at round " << told_at;
  }
}

TEST_F(ModelsTest, DamagedBoosterIsRefused) {
  boost::json::value bad = {
      {"kind", "gbdt"}, {"format", "xgboost-ubj"}, {"booster", base64_encode("not a model")}};
  auto m = model_from_json(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("damaged"), std::string::npos) << m.error().message;
}

TEST_F(ModelsTest, WeightedScoreLearnsOrTakesExpertWeights) {
  auto learned = WeightedScore::learn(train());
  EXPECT_GT(test_auc(*learned), 0.7);
  boost::json::value config = {{"weights", {{"visits", 1.0}, {"plan=pro", 2.0}, {"opened", 1.0}}}};
  auto expert = WeightedScore::from_config(config, spec_.feature_names(), train());
  ASSERT_TRUE(expert.ok()) << expert.error().to_string();
  EXPECT_GT(test_auc(**expert), 0.7);
  for (double s : scores(**expert)) {
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 1.0);
  }
  boost::json::value typo = {{"weights", {{"visitz", 1.0}}}};
  auto bad = WeightedScore::from_config(typo, spec_.feature_names(), train());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("visitz"), std::string::npos);
}

TEST_F(ModelsTest, RuleBaselineIsAFewPointRules) {
  std::vector<std::size_t> group(spec_.width());
  for (std::size_t j = 0; j < group.size(); ++j) group[j] = spec_.column_of_feature(j);
  auto rule = RuleBaseline::learn(train(), spec_.feature_names(), group);
  ASSERT_FALSE(rule->rules().empty());
  EXPECT_LE(rule->rules().size(), kMaxBaselineRules);
  std::set<std::size_t> columns;
  for (const auto& r : rule->rules()) {
    EXPECT_TRUE(columns.insert(group[r.feature]).second) << "two rules on one column";
    EXPECT_GE(r.points, 1);
    EXPECT_LE(r.points, 3);
  }
  EXPECT_GT(test_auc(*rule), 0.6);
  auto again = model_from_json(rule->to_json());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(scores(**again), scores(*rule));
}

TEST_F(ModelsTest, HybridMixesScoreAndProbability) {
  auto w = WeightedScore::learn(train());
  auto lr = *LogisticRegression::train(train(), {.c = 1});
  Dataset valid{&x_test_, y_test_};
  auto fixed = HybridModel::combine(std::make_unique<WeightedScore>(*w),
                                    std::make_unique<LogisticRegression>(*lr), 0.5, valid);
  std::vector<double> s(1), p(1), r(1);
  w->score(x_test_.row(0), 1, x_test_.cols, s.data());
  lr->score(x_test_.row(0), 1, x_test_.cols, p.data());
  fixed->score(x_test_.row(0), 1, x_test_.cols, r.data());
  EXPECT_NEAR(r[0], 0.5 * s[0] + 0.5 * p[0], 1e-12);
  auto chosen = HybridModel::combine(std::make_unique<WeightedScore>(*w),
                                     std::make_unique<LogisticRegression>(*lr), -1, valid);
  EXPECT_GE(chosen->alpha(), 0.0);
  EXPECT_LE(chosen->alpha(), 1.0);
  EXPECT_GE(test_auc(*chosen) + 1e-9, std::min(test_auc(*w), test_auc(*lr)));
  auto again = model_from_json(chosen->to_json());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(scores(**again), scores(*chosen));
}

TEST_F(ModelsTest, PlattCalibrationMatchesObservedRates) {
  auto w = WeightedScore::learn(train());
  std::vector<double> s(x_train_.rows);
  w->score(x_train_.data.data(), x_train_.rows, x_train_.cols, s.data());
  auto cal = PlattCalibrator::fit(s, y_train_);
  double mean_p = 0, mean_y = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    mean_p += cal.apply(s[i]);
    mean_y += y_train_[i];
  }
  EXPECT_NEAR(mean_p / double(s.size()), mean_y / double(s.size()), 0.01);
  EXPECT_GT(cal.a(), 0);
}

TEST_F(ModelsTest, ExplanationsNameColumnsInWords) {
  auto lr = *LogisticRegression::train(train(), {.c = 1});
  std::vector<std::string_view> cells = {"30", "pro", "yes", "north"};
  std::vector<float> x(spec_.width());
  spec_.transform(cells, x);
  auto factors = explain(*lr, spec_, cells, x, 3);
  ASSERT_EQ(factors.size(), 3u);
  std::set<std::string> columns;
  for (const auto& f : factors) columns.insert(f.column);
  EXPECT_TRUE(columns.count("visits"));
  EXPECT_TRUE(columns.count("plan"));
  for (const auto& f : factors)
    if (f.column == "plan") {
      EXPECT_EQ(f.value, "pro");
      EXPECT_GT(f.contribution, 0);
      EXPECT_EQ(f.text().substr(0, 10), "plan=pro +");
    }
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\0\xff\x10", 3)})
    EXPECT_EQ(*base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64_decode("Zm9v!mFy").ok());
  EXPECT_FALSE(base64_decode("Zm9").ok());
  EXPECT_FALSE(base64_decode("Zm=v").ok());
}

}  // namespace
}  // namespace icrm::models
