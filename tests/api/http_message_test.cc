#include "api/http_message.h"

#include <gtest/gtest.h>

#include "api/limits.h"
#include "core/text.h"

namespace icrm::api {
namespace {

TEST(Request, SplitsAndDecodesTarget) {
  Request r;
  ASSERT_TRUE(r.set_target("/api/v1/leads?q=J%C3%BCrgen+Smith&sort=-created_at&flag"));
  EXPECT_EQ(r.path, "/api/v1/leads");
  EXPECT_EQ(r.query_param("q").value_or(""), "Jürgen Smith");
  EXPECT_EQ(r.query_param("sort").value_or(""), "-created_at");
  EXPECT_EQ(r.query_param("flag").value_or("x"), "");
  EXPECT_FALSE(r.query_param("missing"));
}

TEST(Request, RefusesTargetsThatAreNotPaths) {
  Request r;
  EXPECT_FALSE(r.set_target("http://evil.example/"));
  EXPECT_FALSE(r.set_target("*"));
  EXPECT_FALSE(r.set_target("/a%zz"));
  EXPECT_FALSE(r.set_target("/a b"));
}

TEST(Request, RefusesNulAndInvalidUtf8OnceDecoded) {
  Request r;
  EXPECT_FALSE(r.set_target("/a%00b"));
  EXPECT_FALSE(r.set_target("/a%FF"));
  EXPECT_FALSE(r.set_target("/a?q=%C0%AF"));   // overlong '/'
  auto s = r.set_target("/a?name=%ED%A0%80");  // a surrogate
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "name");
}

TEST(Request, QueryParameterLimitOnePast) {
  std::string target = "/a?";
  for (size_t i = 0; i < kMaxQueryParams; ++i) target += "p" + std::to_string(i) + "=1&";
  target.pop_back();
  Request r;
  EXPECT_TRUE(r.set_target(target));
  auto s = r.set_target(target + "&one_more=1");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kTooLarge);
}

TEST(Request, TargetLengthLimitOnePast) {
  std::string target = "/a?q=";
  target += std::string(kMaxTargetBytes - target.size(), 'x');
  Request r;
  EXPECT_TRUE(r.set_target(target));
  auto s = r.set_target(target + "x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kTooLarge);
}

TEST(Headers, CaseInsensitiveAndSetReplaces) {
  Headers h;
  h.add("Content-Type", "a");
  h.add("X-One", "1");
  EXPECT_EQ(h.get("content-type").value_or(""), "a");
  h.set("CONTENT-TYPE", "b");
  EXPECT_EQ(h.get("Content-Type").value_or(""), "b");
  EXPECT_EQ(h.fields().size(), 2u);
}

TEST(Utf8, AcceptsWellFormedRejectsTheRest) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(Method, ParsesCaseSensitively) {
  EXPECT_EQ(parse_method("PATCH"), Method::kPatch);
  EXPECT_EQ(parse_method("patch"), Method::kOther);
  EXPECT_EQ(parse_method("BREW"), Method::kOther);
}

}  // namespace
}  // namespace icrm::api
