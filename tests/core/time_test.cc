#include "core/time.h"

#include <gtest/gtest.h>

#include <random>

namespace icrm {
namespace {

TEST(TimeTest, ParsesAndFormatsUtc) {
  auto t = parse_timestamp("2026-11-23T09:30:05.25Z");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(format_timestamp(*t), "2026-11-23T09:30:05.250000Z");
}

TEST(TimeTest, AppliesZoneOffsets) {
  auto a = parse_timestamp("2026-11-23T10:30:00+01:00");
  auto b = parse_timestamp("2026-11-23T04:00:00-0530");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(format_timestamp(*a), "2026-11-23T09:30:00.000000Z");
  EXPECT_EQ(format_timestamp(*b), "2026-11-23T09:30:00.000000Z");
}

TEST(TimeTest, AcceptsDatesAndSpaceSeparatedTimes) {
  EXPECT_EQ(format_timestamp(*parse_timestamp("2010-12-01")), "2010-12-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2010-12-01 08:26:00")),
            "2010-12-01T08:26:00.000000Z");
}

TEST(TimeTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-11-23T25:00:00Z",
                          "2026-11-23T09:30:00Zjunk", "2026-11-23T09:30:00+99:00", "20261123"}) {
    auto r = parse_timestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(TimeTest, RequiresZoneWhenAsked) {
  EXPECT_FALSE(parse_timestamp("2026-11-23T09:30:00", /*assume_utc=*/false).ok());
  EXPECT_TRUE(parse_timestamp("2026-11-23T09:30:00Z", /*assume_utc=*/false).ok());
}

TEST(TimeTest, TextOrderIsTimeOrder) {
  auto a = format_timestamp(*parse_timestamp("1999-12-31T23:59:59.999999Z"));
  auto b = format_timestamp(*parse_timestamp("2000-01-01T00:00:00Z"));
  EXPECT_LT(a, b);
}

TEST(TimeTest, UnixMicrosRoundTrip) {
  auto t = *parse_timestamp("2026-11-23T09:30:00.000001Z");
  EXPECT_EQ(from_unix_micros(to_unix_micros(t)), t);
}

TEST(TimeTest, FormattedTextParsesBackToTheSameMicrosecondAcrossYears) {
  std::mt19937_64 rng(7);
  // 0001-01-01 .. 9999-12-31, microsecond resolution.
  std::uniform_int_distribution<int64_t> us(-62135596800'000000LL, 253402300799'999999LL);
  for (int i = 0; i < 20000; ++i) {
    Timestamp t = from_unix_micros(us(rng));
    char buf[kTimestampTextBytes];
    format_timestamp_to(t, buf);
    std::string text(buf, sizeof buf);
    ASSERT_EQ(text, format_timestamp(t));
    auto back = parse_timestamp(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

}  // namespace
}  // namespace icrm
