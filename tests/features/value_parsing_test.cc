#include "features/value_parsing.h"

#include <gtest/gtest.h>

namespace icrm::features {
namespace {

TEST(ValueParsing, MissingMarkers) {
  for (const char* m : {"", " ", "NA", "n/a", "NULL", "None", "nan", "?", "\t"})
    EXPECT_TRUE(is_missing(m)) << m;
  for (const char* v : {"0", "no", "unknown", "-", "nana"}) EXPECT_FALSE(is_missing(v)) << v;
}

TEST(ValueParsing, Numbers) {
  EXPECT_EQ(parse_number("42"), 42.0);
  EXPECT_EQ(parse_number(" -3.5 "), -3.5);
  EXPECT_EQ(parse_number("+1e3"), 1000.0);
  EXPECT_FALSE(parse_number("12abc"));
  EXPECT_FALSE(parse_number(" "));
  EXPECT_FALSE(parse_number("inf"));
  EXPECT_FALSE(parse_number("1,5"));
}

TEST(ValueParsing, BoolWords) {
  EXPECT_EQ(parse_bool_word("Yes"), 1);
  EXPECT_EQ(parse_bool_word("FALSE"), 0);
  EXPECT_FALSE(parse_bool_word("maybe"));
}

TEST(ValueParsing, DateTimes) {
  EXPECT_EQ(parse_datetime("1970-01-02"), 86400);
  EXPECT_EQ(parse_datetime("2010-12-01 08:26:00"), 1291191960);
  EXPECT_EQ(parse_datetime("2010/12/01T08:26"), 1291191960);
  EXPECT_FALSE(parse_datetime("2010-13-01"));
  EXPECT_FALSE(parse_datetime("2010-02-30"));
  EXPECT_FALSE(parse_datetime("01/12/2010"));
  EXPECT_FALSE(parse_datetime("2010-12-01X"));
}

}  // namespace
}  // namespace icrm::features
