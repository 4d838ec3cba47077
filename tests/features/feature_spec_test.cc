#include "features/feature_spec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace icrm::features {
namespace {

struct Fixture {
  Table table;
  std::vector<ColumnProfile> profiles;
  std::vector<std::size_t> rows;
};

Fixture fixture_of(const std::string& csv) {
  Fixture f;
  f.table = std::move(*read_csv_table_from_string(csv));
  f.profiles = infer_schema(f.table, {});
  f.rows.resize(f.table.rows);
  std::iota(f.rows.begin(), f.rows.end(), 0);
  return f;
}

Fixture make(std::size_t n = 200) {
  std::string csv = "amount,plan,vip,seen\n";
  for (std::size_t i = 0; i < n; ++i) {
    std::string plan = i % 50 == 0 ? "platinum" : (i % 2 ? "gold" : "basic");
    if (i % 40 == 3) plan = "";
    csv += (i % 25 == 0 ? std::string("NA") : std::to_string(i)) + "," + plan + "," +
           (i % 3 ? "0" : "1") + ",2024-03-" + (i % 28 < 9 ? "0" : "") +
           std::to_string(i % 28 + 1) + " 10:00\n";
  }
  return fixture_of(csv);
}

TEST(FeatureSpec, EncodesEveryKind) {
  Fixture f = make();
  auto spec = FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0});
  ASSERT_TRUE(spec.ok()) << spec.error().to_string();
  const auto& names = spec->feature_names();
  auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_TRUE(has("amount"));
  EXPECT_TRUE(has("amount=(missing)"));
  EXPECT_TRUE(has("plan=gold"));
  EXPECT_TRUE(has("plan=basic"));
  EXPECT_TRUE(has("plan=(other)"));  // platinum is rarer than the rare limit
  EXPECT_TRUE(has("plan=(missing)"));
  EXPECT_FALSE(has("plan=platinum"));
  EXPECT_TRUE(has("vip"));
  EXPECT_TRUE(has("seen.age_days"));
  EXPECT_TRUE(has("seen.day_of_week"));
}

TEST(FeatureSpec, StandardisesAndImputesTheMedian) {
  Fixture f = make();
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0});
  const auto& amount = spec.columns()[0];
  std::vector<float> x(spec.width());
  std::vector<std::string_view> cells = {"NA", "gold", "1", "2024-03-01"};
  spec.transform(cells, x);
  EXPECT_NEAR(x[0], (amount.median - amount.mean) / amount.scale, 1e-5);
  EXPECT_EQ(x[1], 1.f);  // missing indicator
  cells[0] = "12.5";
  spec.transform(cells, x);
  EXPECT_NEAR(x[0], (12.5 - amount.mean) / amount.scale, 1e-5);
  EXPECT_EQ(x[1], 0.f);
}

// bank marketing's pdays: 999 means "never contacted", not a large number.
Fixture make_coded(std::size_t n = 200) {
  std::string csv = "pdays,calls\n";
  for (std::size_t i = 0; i < n; ++i)
    csv += (i % 4 ? "999" : std::to_string(i % 20)) + "," + std::to_string(i % 3) + "\n";
  return fixture_of(csv);
}

TEST(FeatureSpec, RunOfNinesCodeIsMissingWithItsIndicator) {
  Fixture f = make_coded();
  auto spec =
      *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0, .sentinel_missing = true});
  const auto& pdays = spec.columns()[0];
  ASSERT_TRUE(pdays.sentinel.has_value());
  EXPECT_EQ(*pdays.sentinel, 999);
  EXPECT_TRUE(pdays.missing_indicator);
  EXPECT_LT(pdays.mean, 20);  // the code left out of the mean
  std::vector<float> x(spec.width());
  std::vector<std::string_view> cells = {"999", "1"};
  spec.transform(cells, x);
  EXPECT_NEAR(x[0], (pdays.median - pdays.mean) / pdays.scale, 1e-5);
  EXPECT_EQ(x[1], 1.f);
  cells[0] = "6";
  spec.transform(cells, x);
  EXPECT_NEAR(x[0], (6 - pdays.mean) / pdays.scale, 1e-5);
  EXPECT_EQ(x[1], 0.f);
  // Saved and loaded, the code still means missing.
  auto loaded = *FeatureSpec::from_json(spec.to_json());
  std::vector<float> y(loaded.width());
  cells[0] = "999";
  loaded.transform(cells, y);
  spec.transform(cells, x);
  EXPECT_EQ(x, y);
  // Off, 999 is an ordinary number.
  auto plain = *FeatureSpec::fit(f.table, f.profiles, f.rows,
                                 {.numeric_bins = 0, .sentinel_missing = false});
  EXPECT_FALSE(plain.columns()[0].sentinel.has_value());
  EXPECT_GT(plain.columns()[0].mean, 500);
}

TEST(FeatureSpec, AnOrdinaryMaximumIsNotACode) {
  Fixture f = make();  // amount runs 1..199: its top is no run of nines far above the rest
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {.sentinel_missing = true});
  EXPECT_FALSE(spec.columns()[0].sentinel.has_value());
}

TEST(FeatureSpec, FewDistinctValuesGetAFeatureAtEveryValue) {
  Fixture f = make_coded();
  auto spec =
      *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0, .distinct_bins = 3});
  const auto& names = spec.feature_names();
  auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_TRUE(has("calls>=1"));
  EXPECT_TRUE(has("calls>=2"));
  EXPECT_FALSE(has("pdays>=4"));  // 6 distinct values: more than 3, and quantile bins are off
  auto off =
      *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0, .distinct_bins = 0});
  EXPECT_EQ(off.width() + 2, spec.width());
}

TEST(FeatureSpec, UnseenLevelsGoToOtherAndAreCounted) {
  Fixture f = make();
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {});
  std::vector<float> x(spec.width());
  std::vector<std::string_view> cells = {"5", "diamond", "0", "2024-03-02"};
  TransformCounts counts;
  counts.non_numeric.assign(4, 0);
  counts.unseen_level.assign(4, 0);
  spec.transform(cells, x, &counts);
  EXPECT_EQ(counts.unseen_level[1], 1u);
  const auto& names = spec.feature_names();
  auto other = std::find(names.begin(), names.end(), "plan=(other)") - names.begin();
  EXPECT_EQ(x[static_cast<std::size_t>(other)], 1.f);
  cells[0] = "five";
  spec.transform(cells, x, &counts);
  EXPECT_EQ(counts.non_numeric[0], 1u);
}

// A table long enough to be encoded in parts on threads gives the rows and
// the counts that encoding row by row gives.
TEST(FeatureSpec, TableEncodedInPartsEqualsRowByRow) {
  const std::size_t n = kRowsPerEncodingThread * kEncodingThreads + 7;
  Fixture f = make(n);
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {});
  for (std::size_t r = 0; r < n; r += 97) f.table.cells[0][r] = "n/k";      // non-numbers
  for (std::size_t r = 5; r < n; r += 89) f.table.cells[1][r] = "diamond";  // an unseen level
  auto binding = *spec.bind(f.table.columns);
  TransformCounts counts;
  Matrix m = spec.transform_table(f.table, binding, f.rows, &counts);
  ASSERT_EQ(m.rows, n);
  TransformCounts one_by_one;
  one_by_one.non_numeric.assign(spec.columns().size(), 0);
  one_by_one.unseen_level.assign(spec.columns().size(), 0);
  std::vector<float> x(spec.width());
  std::vector<std::string_view> cells(spec.columns().size());
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < cells.size(); ++c) cells[c] = f.table.cells[binding[c]][r];
    spec.transform(cells, x, &one_by_one);
    ASSERT_TRUE(std::equal(x.begin(), x.end(), m.row(r))) << "row " << r;
  }
  EXPECT_EQ(counts.non_numeric, one_by_one.non_numeric);
  EXPECT_EQ(counts.unseen_level, one_by_one.unseen_level);
  EXPECT_GT(counts.non_numeric[0], 0u);
  EXPECT_GT(counts.unseen_level[1], 0u);
}

TEST(FeatureSpec, JsonRoundTripTransformsIdentically) {
  Fixture f = make();
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {.pca_components = 0});
  auto again = FeatureSpec::from_json(boost::json::parse(boost::json::serialize(spec.to_json())));
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->feature_names(), spec.feature_names());
  auto binding = *spec.bind(f.table.columns);
  Matrix a = spec.transform_table(f.table, binding, f.rows);
  Matrix b = again->transform_table(f.table, binding, f.rows);
  EXPECT_EQ(a.data, b.data);
}

// A long-tailed, non-negative column (durations, counts) also gets a
// standardised log1p feature, saved with the spec; a symmetric one does not.
TEST(FeatureSpec, SkewedColumnsGetALogFeatureThatRoundTrips) {
  std::string csv = "calls,age\n";
  for (int i = 0; i < 200; ++i)
    csv += std::to_string(i % 20 == 0 ? 900 + i : i % 7) + "," + std::to_string(30 + i % 17) + "\n";
  Fixture f = fixture_of(csv);
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0});
  EXPECT_EQ(spec.feature_names(), (std::vector<std::string>{"calls", "log1p(calls)", "age"}));
  const auto& calls = spec.columns()[0];
  ASSERT_TRUE(calls.log_feature);
  std::vector<std::string_view> cells = {"0", "30"};
  std::vector<float> x(spec.width());
  spec.transform(cells, x);
  EXPECT_NEAR(x[1], (0 - calls.log_mean) / calls.log_scale, 1e-6);
  cells = {"-5", "30"};  // below the training range: clamped to log1p(0)
  spec.transform(cells, x);
  EXPECT_NEAR(x[1], (0 - calls.log_mean) / calls.log_scale, 1e-6);

  auto again = FeatureSpec::from_json(boost::json::parse(boost::json::serialize(spec.to_json())));
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  auto binding = *spec.bind(f.table.columns);
  EXPECT_EQ(spec.transform_table(f.table, binding, f.rows).data,
            again->transform_table(f.table, binding, f.rows).data);
  auto off = *FeatureSpec::fit(f.table, f.profiles, f.rows, {.numeric_bins = 0, .log_skewness = 0});
  EXPECT_EQ(off.width(), 2u);
  // A spec written before log features existed has no "log": still loads.
  auto old = FeatureSpec::from_json(boost::json::parse(boost::json::serialize(off.to_json())));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->columns()[0].log_feature);
}

TEST(FeatureSpec, PcaProjectsAndRoundTrips) {
  Fixture f = make();
  auto spec = FeatureSpec::fit(f.table, f.profiles, f.rows, {.pca_components = 3});
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->width(), 3u);
  EXPECT_EQ(spec->feature_names()[0], "pc1");
  auto binding = *spec->bind(f.table.columns);
  Matrix a = spec->transform_table(f.table, binding, f.rows);
  // The first component carries the most variance.
  auto var = [&](std::size_t j) {
    double s = 0, ss = 0;
    for (std::size_t r = 0; r < a.rows; ++r) {
      s += a.row(r)[j];
      ss += a.row(r)[j] * a.row(r)[j];
    }
    return ss / double(a.rows) - (s / double(a.rows)) * (s / double(a.rows));
  };
  EXPECT_GE(var(0), var(1));
  EXPECT_GE(var(1), var(2));
  auto again = FeatureSpec::from_json(boost::json::parse(boost::json::serialize(spec->to_json())));
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  Matrix b = again->transform_table(f.table, binding, f.rows);
  EXPECT_EQ(a.data, b.data);
}

TEST(FeatureSpec, BindNamesMissingColumns) {
  Fixture f = make();
  auto spec = *FeatureSpec::fit(f.table, f.profiles, f.rows, {});
  auto bound = spec.bind({"amount", "vip"});
  ASSERT_FALSE(bound.ok());
  EXPECT_NE(bound.error().message.find("plan"), std::string::npos);
  EXPECT_NE(bound.error().message.find("seen"), std::string::npos);
}

TEST(FeatureSpec, CorruptedJsonIsAnErrorNotACrash) {
  for (const char* text :
       {R"({})", R"({"columns": 3, "width": 1})",
        R"({"columns": [{"name": "a", "kind": "numeric"}], "width": 1})",
        R"({"columns": [{"name": "a", "kind": "numeric", "median": 0, "mean": 0, "scale": 0,
                               "missing_indicator": false, "bin_edges": []}], "width": 1})",
        R"({"columns": [{"name": "a", "kind": "categorical", "levels": ["x"],
                               "other_index": 7, "missing_index": -1}], "width": 1})",
        R"({"columns": [{"name": "a", "kind": "text"}], "width": 0})"}) {
    auto spec = FeatureSpec::from_json(boost::json::parse(text));
    EXPECT_FALSE(spec.ok()) << text;
  }
}

TEST(FeatureSpec, NothingUsableIsAnError) {
  auto t = *read_csv_table_from_string("c\nx\nx\n");
  auto p = infer_schema(t, {});
  std::vector<std::size_t> rows = {0, 1};
  auto spec = FeatureSpec::fit(t, p, rows, {});
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.error().message.find("no usable feature"), std::string::npos);
}

}  // namespace
}  // namespace icrm::features
