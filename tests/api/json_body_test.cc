#include "api/json_body.h"

#include <gtest/gtest.h>

#include <limits>

namespace icrm::api {
namespace {

std::vector<std::string> fields_of(const Error& e) {
  std::vector<std::string> out;
  for (const auto& d : e.details) out.push_back(d.field);
  return out;
}

std::string nested(size_t depth) {
  // depth levels of arrays inside the top-level object (which is level 1)
  std::string s = "{\"a\":";
  for (size_t i = 1; i < depth; ++i) s += "[";
  s += "1";
  for (size_t i = 1; i < depth; ++i) s += "]";
  return s + "}";
}

TEST(ParseJsonObject, AcceptsAnObject) {
  auto r = parse_json_object(R"({"name":"Ada","n":3})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("name").as_string(), "Ada");
}

TEST(ParseJsonObject, RejectsMalformedJsonWithItsOffset) {
  for (std::string bad :
       {"{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1} x", "nul", "{\"a\":1 /*c*/}", ""}) {
    auto r = parse_json_object(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "body");
  }
}

TEST(ParseJsonObject, RejectsANonObjectTopLevel) {
  EXPECT_FALSE(parse_json_object("[1,2]"));
  EXPECT_FALSE(parse_json_object("\"text\""));
  EXPECT_FALSE(parse_json_object("42"));
}

TEST(ParseJsonObject, RejectsInvalidUtf8) {
  auto r = parse_json_object("{\"name\":\"\xC3\x28\"}");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos) << r.error().message;
  EXPECT_FALSE(parse_json_object("{\"name\":\"\xED\xA0\x80\"}"));  // surrogate
}

TEST(ParseJsonObject, NestingDepthLimitOnePast) {
  EXPECT_TRUE(parse_json_object(nested(kMaxJsonDepth)));
  auto r = parse_json_object(nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested deeper"), std::string::npos) << r.error().message;
}

TEST(ParseJsonObject, StringLengthLimitOnePast) {
  std::string ok = "{\"notes\":\"" + std::string(kMaxJsonStringBytes, 'x') + "\"}";
  EXPECT_TRUE(parse_json_object(ok));
  std::string past = "{\"notes\":\"" + std::string(kMaxJsonStringBytes + 1, 'x') + "\"}";
  auto r = parse_json_object(past);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "notes");
}

TEST(ParseJsonBody, NeedsJsonContentTypeAndABody) {
  Request req;
  req.body = R"({"a":1})";
  auto r = parse_json_body(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "Content-Type");
  req.headers.set("Content-Type", "Application/JSON; charset=utf-8");
  EXPECT_TRUE(parse_json_body(req));
  req.body.clear();
  EXPECT_FALSE(parse_json_body(req));
}

TEST(JsonFields, ReadsTypedFields) {
  auto obj = *parse_json_object(
      R"({"name":"Ada","value":1500,"score":0.5,"vip":true,"attrs":{"tier":"gold","n":2}})");
  JsonFields f(obj);
  EXPECT_EQ(f.string("name", Presence::kRequired).value_or(""), "Ada");
  EXPECT_EQ(f.integer("value", Presence::kRequired, 0, 1'000'000).value_or(-1), 1500);
  EXPECT_DOUBLE_EQ(f.number("score", Presence::kOptional, 0, 1).value_or(-1), 0.5);
  EXPECT_EQ(f.boolean("vip", Presence::kOptional).value_or(false), true);
  EXPECT_TRUE(f.flat_object("attrs", Presence::kOptional));
  EXPECT_FALSE(f.string("absent", Presence::kOptional));
  EXPECT_TRUE(f.finish());
}

TEST(JsonFields, NamesEveryFieldAtFault) {
  auto obj = *parse_json_object(
      R"({"name":42,"value":"big","status":"won","extra":1,"vip":"yes","attrs":{"x":[1]},"also":null})");
  JsonFields f(obj);
  f.string("name", Presence::kRequired);
  f.integer("value", Presence::kRequired, 0, 100);
  f.one_of("status", Presence::kRequired, {"new", "contacted"});
  f.boolean("vip", Presence::kOptional);
  f.flat_object("attrs", Presence::kOptional);
  f.string("email", Presence::kRequired);
  auto s = f.finish();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fields_of(s.error()), (std::vector<std::string>{"name", "value", "status", "vip",
                                                            "attrs.x", "email", "extra", "also"}));
  EXPECT_EQ(s.error().details[0].message, "must be a string, not a number");
  EXPECT_EQ(s.error().details[2].message, "must be one of: new, contacted");
  EXPECT_EQ(s.error().details[5].message, "is required");
  EXPECT_EQ(s.error().details[6].message, "is not a known field");
}

TEST(JsonFields, IntegerRangeOnePast) {
  auto obj =
      *parse_json_object(R"({"a":100,"b":101,"c":-1,"d":1.5,"e":2.0,"f":18446744073709551615})");
  JsonFields f(obj);
  EXPECT_EQ(f.integer("a", Presence::kRequired, 0, 100).value_or(-1), 100);
  EXPECT_FALSE(f.integer("b", Presence::kRequired, 0, 100));
  EXPECT_FALSE(f.integer("c", Presence::kRequired, 0, 100));
  EXPECT_FALSE(f.integer("d", Presence::kRequired, 0, 100));
  EXPECT_EQ(f.integer("e", Presence::kRequired, 0, 100).value_or(-1), 2);
  EXPECT_FALSE(f.integer("f", Presence::kRequired, 0, std::numeric_limits<int64_t>::max()));
  auto s = f.finish();
  ASSERT_FALSE(s);
  EXPECT_EQ(fields_of(s.error()), (std::vector<std::string>{"b", "c", "d", "f"}));
}

TEST(JsonFields, StringFieldLengthOnePast) {
  std::string at = std::string(kMaxStringFieldBytes, 'a');
  auto obj = *parse_json_object("{\"a\":\"" + at + "\",\"b\":\"" + at + "b\"}");
  JsonFields f(obj);
  EXPECT_TRUE(f.string("a", Presence::kRequired));
  EXPECT_FALSE(f.string("b", Presence::kRequired));
  auto s = f.finish();
  ASSERT_FALSE(s);
  EXPECT_EQ(fields_of(s.error()), (std::vector<std::string>{"b"}));
}

TEST(JsonFields, NullAndPresenceForPatch) {
  auto obj = *parse_json_object(R"({"owner":null,"name":"x"})");
  JsonFields f(obj);
  EXPECT_TRUE(f.present("owner"));
  EXPECT_TRUE(f.is_null("owner"));
  EXPECT_FALSE(f.present("email"));
  EXPECT_FALSE(f.integer("owner", Presence::kOptional, 0, 10));
  f.allow("name");
  EXPECT_TRUE(f.finish());
}

TEST(JsonFields, SqlAndHtmlMetacharactersAreJustText) {
  auto obj = *parse_json_object(R"({"name":"Robert'); DROP TABLE leads;-- <b>x</b>"})");
  JsonFields f(obj);
  EXPECT_EQ(f.string("name", Presence::kRequired).value_or(""),
            "Robert'); DROP TABLE leads;-- <b>x</b>");
  EXPECT_TRUE(f.finish());
}

}  // namespace
}  // namespace icrm::api
