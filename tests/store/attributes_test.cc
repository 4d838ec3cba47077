#include "store/attributes.h"

#include <gtest/gtest.h>

namespace icrm::store {
namespace {

TEST(AttributesTest, AcceptsAFlatObjectOfScalars) {
  auto r = parse_attributes(R"({"industry":"retail","seats":40,"ratio":0.5,"vip":true,"x":null})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->size(), 5u);
}

TEST(AttributesTest, RefusesNestingNamingTheKey) {
  auto r = parse_attributes(R"({"ok":1,"address":{"city":"Paris"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "attributes.address");
  EXPECT_EQ(parse_attributes(R"({"tags":["a"]})").error().field, "attributes.tags");
}

TEST(AttributesTest, RefusesWhatIsNotAJsonObject) {
  EXPECT_EQ(parse_attributes("[1,2]").error().field, "attributes");
  EXPECT_EQ(parse_attributes("{\"a\":").error().field, "attributes");
  EXPECT_EQ(parse_attributes("\"text\"").error().code, ErrorCode::kInvalidArgument);
}

TEST(AttributesTest, LimitsAreEnforcedOnePast) {
  boost::json::object o;
  o[std::string(kMaxAttributeKeyLength, 'k')] = 1;
  EXPECT_TRUE(check_attributes(o).ok());
  o[std::string(kMaxAttributeKeyLength + 1, 'k')] = 1;
  EXPECT_EQ(check_attributes(o).error().code, ErrorCode::kTooLarge);

  boost::json::object text{{"note", std::string(kMaxAttributeTextLength, 'x')}};
  EXPECT_TRUE(check_attributes(text).ok());
  text["note"] = std::string(kMaxAttributeTextLength + 1, 'x');
  auto r = check_attributes(text);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "attributes.note");

  boost::json::object nul{{"note", std::string("a\0b", 3)}};
  EXPECT_EQ(check_attributes(nul).error().field, "attributes.note");

  boost::json::object big;
  for (size_t i = 0; i < kMaxAttributes; ++i) {
    big["k" + std::to_string(i)] = std::string(kMaxAttributeTextLength, 'x');
  }
  auto total = check_attributes(big);  // 50 x 1000 bytes > kMaxAttributesBytes
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(total.error().field, "attributes");
}

}  // namespace
}  // namespace icrm::store
