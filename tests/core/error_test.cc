#include "core/error.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace icrm {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return Error::invalid("must be even", "x");
  return x / 2;
}

TEST(ResultTest, CarriesValueOrError) {
  auto good = half(4);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "x");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ErrorTest, FieldErrorsAreListed) {
  Error e = Error::invalid("must be even", "x");
  ASSERT_EQ(e.details.size(), 1u);
  EXPECT_EQ(e.details[0], (FieldError{"x", "must be even"}));
  EXPECT_EQ(e.to_string(), "x: must be even");
  EXPECT_EQ(Error::not_found("no lead 7").to_string(), "no lead 7");
  EXPECT_EQ(error_code_name(ErrorCode::kConflict), "conflict");
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status bad = Error::conflict("taken");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "taken");
}

}  // namespace
}  // namespace icrm
