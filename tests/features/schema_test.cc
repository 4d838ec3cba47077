#include "features/schema.h"

#include <gtest/gtest.h>

#include <string>

namespace icrm::features {
namespace {

Table make_table() {
  std::string csv = "id,age,plan,active,signup,notes,flag01,const,total\n";
  for (int i = 0; i < 100; ++i) {
    csv += std::to_string(1000 + i) + "," + std::to_string(20 + i % 40) + "," +
           (i % 3 == 0   ? "gold"
            : i % 3 == 1 ? "silver"
                         : "bronze") +
           "," + (i % 2 ? "yes" : "no") + "," + "2024-01-" + (i % 28 < 9 ? "0" : "") +
           std::to_string(i % 28 + 1) + "," + "customer number " + std::to_string(i) +
           " said something long about the product," + std::to_string(i % 2) + ",x," +
           (i == 5   ? " "
            : i == 6 ? "oops"
                     : std::to_string(i * 3.5)) +
           "\n";
  }
  auto t = read_csv_table_from_string(csv);
  EXPECT_TRUE(t.ok());
  return std::move(*t);
}

ColumnKind kind_of(const std::vector<ColumnProfile>& p, const std::string& name) {
  for (const auto& c : p)
    if (c.name == name) return c.kind;
  ADD_FAILURE() << "no column " << name;
  return ColumnKind::kExcluded;
}

TEST(Schema, InfersKinds) {
  Table t = make_table();
  auto p = infer_schema(t, {});
  EXPECT_EQ(kind_of(p, "id"), ColumnKind::kIdentifier);
  EXPECT_EQ(kind_of(p, "age"), ColumnKind::kNumeric);
  EXPECT_EQ(kind_of(p, "plan"), ColumnKind::kCategorical);
  EXPECT_EQ(kind_of(p, "active"), ColumnKind::kBoolean);
  EXPECT_EQ(kind_of(p, "signup"), ColumnKind::kDateTime);
  EXPECT_EQ(kind_of(p, "notes"), ColumnKind::kText);
  EXPECT_EQ(kind_of(p, "flag01"), ColumnKind::kBoolean);
  EXPECT_EQ(kind_of(p, "const"), ColumnKind::kConstant);
  EXPECT_EQ(kind_of(p, "total"), ColumnKind::kNumeric);  // one blank, one "oops": still numeric
}

TEST(Schema, NonNumbersInNumericColumnAreCounted) {
  Table t = make_table();
  auto p = infer_schema(t, {});
  for (const auto& c : p)
    if (c.name == "total") {
      EXPECT_EQ(c.missing, 1u);
      EXPECT_EQ(c.non_numeric, 1u);
    }
}

TEST(Schema, ExcludeAndOverrideWin) {
  Table t = make_table();
  InferenceOptions o;
  o.exclude = {"age"};
  o.override = {{"id", ColumnKind::kCategorical}};
  auto p = infer_schema(t, o);
  EXPECT_EQ(kind_of(p, "age"), ColumnKind::kExcluded);
  EXPECT_EQ(kind_of(p, "id"), ColumnKind::kCategorical);
}

// The table sizes its columns from the first rows' length; rows after them
// that are much shorter or longer (so more or fewer rows than estimated) must
// all be read, cell for cell.
TEST(Schema, TableReadsEveryRowWhateverTheFirstRowsSuggest) {
  for (bool long_first : {true, false}) {
    std::string csv = "a,b\n";
    const std::string wide(200, 'w');
    for (int i = 0; i < 1000; ++i)
      csv += std::to_string(i) + "," + ((i < 300) == long_first ? wide : "s") + "\n";
    auto t = read_csv_table_from_string(csv);
    ASSERT_TRUE(t.ok()) << t.error().to_string();
    ASSERT_EQ(t->rows, 1000u);
    ASSERT_EQ(t->cells[0].size(), 1000u);
    EXPECT_EQ(t->cells[0][999], "999");
    EXPECT_EQ(t->cells[1][0], long_first ? wide : "s");
    EXPECT_EQ(t->cells[1][999], long_first ? "s" : wide);
  }
}

TEST(Schema, KindNamesRoundTrip) {
  for (auto k : {ColumnKind::kNumeric, ColumnKind::kCategorical, ColumnKind::kBoolean,
                 ColumnKind::kDateTime, ColumnKind::kExcluded})
    EXPECT_EQ(*parse_column_kind(column_kind_name(k)), k);
  EXPECT_FALSE(parse_column_kind("float").ok());
}

}  // namespace
}  // namespace icrm::features
