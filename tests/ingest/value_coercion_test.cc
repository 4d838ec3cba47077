#include "ingest/value_coercion.h"

#include <gtest/gtest.h>

#include "ingest/header_mapping.h"
#include "ingest/import_summary.h"

namespace icrm::ingest {
namespace {

TEST(ValueCoercion, IntegersAreWholeAndInRange) {
  EXPECT_EQ(*parse_integer(" 42 "), 42);
  EXPECT_EQ(*parse_integer("+7"), 7);
  EXPECT_EQ(*parse_integer("-3"), -3);
  EXPECT_FALSE(parse_integer("1.5"));
  EXPECT_FALSE(parse_integer("12abc"));
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer("99999999999999999999"));
}

TEST(ValueCoercion, NumberOnePastTheLengthLimitIsRefused) {
  EXPECT_TRUE(parse_integer(std::string(kMaxNumberChars, '1').substr(0, 18)));
  EXPECT_FALSE(parse_integer(std::string(kMaxNumberChars + 1, '1')));
  EXPECT_FALSE(parse_money(std::string(kMaxNumberChars + 1, '1')));
}

TEST(ValueCoercion, MoneyIsExactMinorUnitsAndNeverRoundedSilently) {
  EXPECT_EQ(*parse_money("2.55"), 255);
  EXPECT_EQ(*parse_money("-11062.06"), -1106206);
  EXPECT_EQ(*parse_money("3"), 300);
  EXPECT_EQ(*parse_money("0.5"), 50);
  EXPECT_EQ(*parse_money("1.230"), 123);  // trailing zeros are exact
  auto sub_cent = parse_money("0.001");
  ASSERT_FALSE(sub_cent);
  EXPECT_NE(sub_cent.error().message.find("more than 2 decimal places"), std::string::npos);
  EXPECT_FALSE(parse_money("1,5"));
  EXPECT_FALSE(parse_money("."));
  EXPECT_FALSE(parse_money("1.2.3"));
  EXPECT_EQ(*parse_scaled_decimal("0.001", 6), 1000);
}

// Found by fuzz/value_coercion_fuzzer: the digit after the last one that
// fits overflowed int64 (undefined; in practice a wrapped negative amount).
TEST(ValueCoercion, DecimalsOnePastInt64AreOutOfRangeNotWrapped) {
  EXPECT_EQ(*parse_scaled_decimal("9223372036854775807", 0), INT64_MAX);
  EXPECT_EQ(*parse_scaled_decimal("-9223372036854775807", 0), -INT64_MAX);
  EXPECT_EQ(*parse_money("92233720368547758.07"), INT64_MAX);
  for (std::string past : {"9223372036854775808", "9223372036854775809", "-9223372036854775808"}) {
    auto r = parse_scaled_decimal(past, 0);
    ASSERT_FALSE(r) << past << " gave " << *r;
    EXPECT_NE(r.error().message.find("out of range"), std::string::npos);
  }
  EXPECT_FALSE(parse_money("92233720368547758.08"));
  EXPECT_FALSE(parse_money("92233720368547758.1"));
}

TEST(ValueCoercion, HalfEvenRounding) {
  EXPECT_EQ(divide_round_half_even(15, 10), 2);
  EXPECT_EQ(divide_round_half_even(25, 10), 2);
  EXPECT_EQ(divide_round_half_even(-25, 10), -2);
  EXPECT_EQ(divide_round_half_even(26, 10), 3);
  EXPECT_EQ(divide_round_half_even(-26, 10), -3);
  EXPECT_EQ(divide_round_half_even(1000, 10000), 0);
}

TEST(ValueCoercion, Emails) {
  EXPECT_EQ(*parse_email(" Ada@Example.com "), "Ada@Example.com");
  EXPECT_FALSE(parse_email("ada"));
  EXPECT_FALSE(parse_email("ada@example"));
  EXPECT_FALSE(parse_email("a b@example.com"));
  EXPECT_FALSE(parse_email("a@b@example.com"));
}

TEST(ValueCoercion, ChoicesIgnoreCase) {
  std::vector<std::string_view> c = {"active", "churned"};
  EXPECT_EQ(*parse_choice("Churned", c), "churned");
  auto bad = parse_choice("gone", c);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("active, churned"), std::string::npos);
}

TEST(ValueCoercion, AttributeTypesAreInferred) {
  EXPECT_TRUE(infer_attribute_value("true").is_bool());
  EXPECT_EQ(infer_attribute_value("42").as_int64(), 42);
  EXPECT_EQ(infer_attribute_value("-1").as_int64(), -1);
  EXPECT_DOUBLE_EQ(infer_attribute_value("29.85").as_double(), 29.85);
  EXPECT_TRUE(infer_attribute_value("007").is_string());  // an identifier, not a number
  EXPECT_TRUE(infer_attribute_value("1.2.3").is_string());
  EXPECT_TRUE(infer_attribute_value("Month-to-month").is_string());
}

TEST(ValueCoercion, AttributesMustBeAFlatObjectWithinTheLimit) {
  EXPECT_TRUE(parse_attributes(R"({"a":1,"b":"x","c":true,"d":null})"));
  EXPECT_FALSE(parse_attributes(R"({"a":{"b":1}})"));
  EXPECT_FALSE(parse_attributes(R"([1,2])"));
  EXPECT_FALSE(parse_attributes(R"({"a":)"));
  std::string at_limit = "{", past = "{";
  for (std::size_t i = 0; i <= kMaxAttributes; ++i) {
    std::string kv = (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":1";
    if (i < kMaxAttributes) at_limit += kv;
    past += kv;
  }
  EXPECT_TRUE(parse_attributes(at_limit + "}"));
  auto over = parse_attributes(past + "}");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kTooLarge);
}

TEST(HeaderMapping, KnownFieldsByNameOrAliasIgnoringCaseAndSpacing) {
  auto m = HeaderMapping::build(RecordKind::kCustomers,
                                {"Customer ID", "FULL_NAME", "E-Mail", "Plan", "country"}, {});
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->column_of("external_id"), 0);
  EXPECT_EQ(m->column_of("name"), 1);
  EXPECT_EQ(m->column_of("email"), 2);
  EXPECT_EQ(m->column_of("country"), 4);
  EXPECT_EQ(m->role(3).kind, ColumnRole::kAttribute);
  EXPECT_EQ(m->role(3).attribute, "Plan");
  EXPECT_TRUE(m->check_required());
}

TEST(HeaderMapping, OverridesMapDropAndRename) {
  auto o = parse_map_overrides({"Kunde=name", "Intern=-", "Segment=tier"});
  ASSERT_TRUE(o);
  auto m = HeaderMapping::build(RecordKind::kCustomers, {"Kunde", "Intern", "Segment"}, *o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->column_of("name"), 0);
  EXPECT_EQ(m->role(1).kind, ColumnRole::kIgnored);
  EXPECT_EQ(m->role(2).attribute, "tier");
  EXPECT_FALSE(parse_map_overrides({"nonsense"}));
  auto missing =
      HeaderMapping::build(RecordKind::kCustomers, {"Kunde"}, *parse_map_overrides({"Nope=name"}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no column 'Nope'"), std::string::npos);
}

TEST(HeaderMapping, MissingRequiredFieldIsNamed) {
  auto m = HeaderMapping::build(RecordKind::kTransactions, {"InvoiceNo", "Quantity"}, {});
  ASSERT_TRUE(m);
  auto st = m->check_required();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("sku"), std::string::npos);
  EXPECT_NE(st.error().message.find("unit_price"), std::string::npos);
  EXPECT_NE(st.error().message.find("occurred_at"), std::string::npos);
}

TEST(ImportSummary, IsOneJsonLine) {
  ImportSummary s{
      .rows = 10, .imported = 7, .updated = 1, .skipped = 1, .rejected = 1, .seconds = 0.5};
  EXPECT_EQ(s.to_json(),
            R"({"rows":10,"imported":7,"updated":1,"skipped":1,"rejected":1,"seconds":0.500})");
}

}  // namespace
}  // namespace icrm::ingest
