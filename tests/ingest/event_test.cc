#include "ingest/event.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace icrm::ingest {
namespace {

class EventValidationTest : public ::testing::Test {
 protected:
  EventInput good() const {
    EventInput in;
    in.id = "evt-1";
    in.entity = "lead:123";
    in.type = "page_view";
    in.ts = "2026-11-23T12:00:00Z";
    return in;
  }
  Error rejected(const EventInput& in) const {
    Result<Event> r = validate_event(in, types_, clock_);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }
  EventTypeRegistry types_;
  ManualClock clock_{*parse_timestamp("2026-11-23T12:00:00Z")};
};

TEST_F(EventValidationTest, AcceptsAGoodEventWithDefaultValue) {
  Result<Event> r = validate_event(good(), types_, clock_);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->entity, "lead:123");
  EXPECT_EQ(r->type, kPageView);
  EXPECT_EQ(r->value, 1.0);
  EXPECT_EQ(r->ts, *parse_timestamp("2026-11-23T12:00:00Z"));
  EXPECT_EQ(r->key, event_key_from_id("evt-1"));
}

TEST_F(EventValidationTest, AcceptsEveryBuiltinTypeAndExternalIds) {
  for (std::string_view name : kBuiltinTypeNames) {
    EventInput in = good();
    in.type = std::string(name);
    in.entity = "customer:ext:17850";
    EXPECT_TRUE(validate_event(in, types_, clock_).ok()) << name;
  }
}

TEST_F(EventValidationTest, RejectsUnknownType) {
  EventInput in = good();
  in.type = "webinar";
  Error e = rejected(in);
  EXPECT_EQ(e.field, "type");
  EXPECT_NE(e.message.find("webinar"), std::string::npos);
}

TEST_F(EventValidationTest, AcceptsACustomTypeOnceRegistered) {
  ASSERT_TRUE(types_.register_type("webinar").ok());
  EventInput in = good();
  in.type = "webinar";
  Result<Event> r = validate_event(in, types_, clock_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, kBuiltinTypeCount);
}

TEST_F(EventValidationTest, RejectsMalformedEntities) {
  for (std::string bad : {"", "lead", "lead:", "lead:12a", "account:1",
                          "customer:ext:", "customer:ext:has space", "lead:1234567890123456789"}) {
    EventInput in = good();
    in.entity = bad;
    EXPECT_EQ(rejected(in).field, "entity") << bad;
  }
}

TEST_F(EventValidationTest, EntityLimitIsExact) {
  EventInput in = good();
  in.entity = "visitor:ext:" + std::string(kMaxEntityBytes - 12, 'x');
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  in.entity += "x";
  Error e = rejected(in);
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_EQ(e.field, "entity");
}

TEST_F(EventValidationTest, IdLimitIsExact) {
  EventInput in = good();
  in.id = std::string(kMaxEventIdBytes, 'i');
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  in.id += "i";
  EXPECT_EQ(rejected(in).field, "id");
}

TEST_F(EventValidationTest, RejectsBadOrZonelessTimestamps) {
  for (std::string bad : {"", "yesterday", "2026-11-23T12:00:00", "2026-13-01T00:00:00Z"}) {
    EventInput in = good();
    in.ts = bad;
    EXPECT_EQ(rejected(in).field, "ts") << bad;
  }
}

TEST_F(EventValidationTest, FutureSkewLimitIsExact) {
  EventInput in = good();
  in.ts = "2026-11-23T12:05:00Z";  // exactly 5 minutes ahead: accepted
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  in.ts = "2026-11-23T12:05:00.000001Z";
  EXPECT_EQ(rejected(in).field, "ts");
  clock_.advance(std::chrono::seconds(1));  // the rule follows the injected clock
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
}

TEST_F(EventValidationTest, RejectsNonFiniteAndOutOfRangeValues) {
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::nextafter(kMaxAbsEventValue, 2e9),
        -std::nextafter(kMaxAbsEventValue, 2e9)}) {
    EventInput in = good();
    in.value = bad;
    EXPECT_EQ(rejected(in).field, "value") << bad;
  }
  EventInput in = good();
  in.value = -kMaxAbsEventValue;
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
}

TEST_F(EventValidationTest, AttrsMustBeAnObjectWithinLimits) {
  EventInput in = good();
  in.attrs = R"({"url":"/pricing"})";
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  for (std::string bad : {"[1,2]", "\"text\"", "{not json", "42"}) {
    in.attrs = bad;
    EXPECT_EQ(rejected(in).field, "attrs") << bad;
  }
}

TEST_F(EventValidationTest, AttrsByteLimitIsExact) {
  EventInput in = good();
  std::string prefix = R"({"k":")";
  std::string suffix = R"("})";
  in.attrs = prefix + std::string(kMaxAttrsBytes - prefix.size() - suffix.size(), 'a') + suffix;
  ASSERT_EQ(in.attrs.size(), kMaxAttrsBytes);
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  in.attrs.insert(prefix.size(), "a");
  Error e = rejected(in);
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_EQ(e.field, "attrs");
}

TEST_F(EventValidationTest, AttrsKeyLimitIsExact) {
  auto object_with = [](size_t keys) {
    std::string s = "{";
    for (size_t i = 0; i < keys; ++i) s += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":1");
    return s + "}";
  };
  EventInput in = good();
  in.attrs = object_with(kMaxAttrKeys);
  EXPECT_TRUE(validate_event(in, types_, clock_).ok());
  in.attrs = object_with(kMaxAttrKeys + 1);
  EXPECT_EQ(rejected(in).field, "attrs");
}

TEST_F(EventValidationTest, KeyIsDerivedFromContentWhenNoId) {
  EventInput a = good();
  a.id.clear();
  a.value = 12.5;
  EventInput b = a;
  Result<Event> ea = validate_event(a, types_, clock_);
  Result<Event> eb = validate_event(b, types_, clock_);
  ASSERT_TRUE(ea.ok() && eb.ok());
  EXPECT_EQ(ea->key, eb->key);  // a re-delivery is recognised without an id
  for (auto change :
       {+[](EventInput& e) { e.value = 12.6; },
        +[](EventInput& e) { e.ts = "2026-11-23T11:59:59Z"; },
        +[](EventInput& e) { e.entity = "lead:124"; }, +[](EventInput& e) { e.type = "call"; },
        +[](EventInput& e) { e.attrs = "{}"; }}) {
    EventInput c = a;
    change(c);
    Result<Event> ec = validate_event(c, types_, clock_);
    ASSERT_TRUE(ec.ok());
    EXPECT_NE(ec->key, ea->key);
  }
  EXPECT_NE(ea->key, 0u);
}

TEST(EventKeyTest, IsStableAcrossRuns) {
  // Pinned: stored logs and other instances rely on the same keys.
  EXPECT_EQ(event_key_from_id("evt-1"), event_key_from_id("evt-1"));
  EXPECT_NE(event_key_from_id("evt-1"), event_key_from_id("evt-2"));
  EXPECT_EQ(event_key_from_id("abc"), 0x950aa8e10badeebbULL)
      << std::hex << event_key_from_id("abc");
}

TEST(EventTypeRegistryTest, RegistersCustomNamesWithinLimits) {
  EventTypeRegistry types;
  EXPECT_EQ(*types.register_type("page_view"), kPageView);
  EXPECT_FALSE(types.register_type("Webinar").ok());
  EXPECT_FALSE(types.register_type("web-inar").ok());
  EXPECT_FALSE(types.register_type("").ok());
  EXPECT_TRUE(types.register_type(std::string(kMaxEventTypeNameBytes, 'a')).ok());
  EXPECT_FALSE(types.register_type(std::string(kMaxEventTypeNameBytes + 1, 'a')).ok());
  while (types.size() < kMaxEventTypes) {
    ASSERT_TRUE(types.register_type("t" + std::to_string(types.size())).ok());
  }
  Result<EventTypeId> past = types.register_type("one_too_many");
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(types.name(kPurchase), "purchase");
}

}  // namespace
}  // namespace icrm::ingest
