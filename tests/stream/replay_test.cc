// Restart equality, point-in-time features and the feature naming scheme.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "stream/feature_spec.h"
#include "stream/stream_state.h"

namespace icrm::stream {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A stored log: arrival order, with late, too-late and duplicate events.
std::vector<ingest::Event> random_log(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Timestamp now = *parse_timestamp("2026-10-01T00:00:00Z");
  std::vector<ingest::Event> log;
  for (int i = 0; i < n; ++i) {
    now += seconds(static_cast<int64_t>(rng() % 600));
    if (!log.empty() && rng() % 12 == 0) {
      log.push_back(log[rng() % log.size()]);
      continue;
    }
    ingest::Event e;
    e.entity = "lead:" + std::to_string(rng() % 50);
    e.type = static_cast<ingest::EventTypeId>(rng() % ingest::kBuiltinTypeCount);
    e.ts = now - seconds(static_cast<int64_t>(rng() % 100 < 8 ? rng() % 7200 : rng() % 60));
    e.value = static_cast<double>(rng() % 100000) / 100;
    e.key = 1 + rng();
    log.push_back(e);
  }
  return log;
}

TEST(RestartTest, ReplayingTheLogRebuildsAnEqualState) {
  std::vector<ingest::Event> log = random_log(20000, 3);
  StreamOptions options;
  options.dedupe_capacity = 8;  // small enough that forced evictions happen too
  StreamConfig config = *StreamConfig::create(options);
  StreamState before(config);
  for (const ingest::Event& e : log) before.apply(e);
  ASSERT_GT(before.counters().duplicates, 0);
  ASSERT_GT(before.counters().too_late, 0);
  ASSERT_GT(before.dedupe().forced_evictions(), 0u);

  StreamState after(config);  // a "restart": fresh process state, same log
  for (const ingest::Event& e : log) after.apply(e);
  EXPECT_TRUE(after == before);

  ingest::EventTypeRegistry types;
  FeatureSpec spec(config, types);
  Timestamp t = from_unix_micros(before.watermark_us()) + minutes(5);
  std::vector<double> a(spec.size()), b(spec.size());
  for (int lead = 0; lead < 50; ++lead) {
    std::string key = "lead:" + std::to_string(lead);
    spec.extract(before.entity(key), t, a);
    spec.extract(after.entity(key), t, b);
    EXPECT_EQ(a, b) << key;
  }

  // Equality is not vacuous: one more event makes the states differ.
  ingest::Event extra = log.back();
  extra.key ^= 0x5555;
  after.apply(extra);
  EXPECT_FALSE(after == before);
}

TEST(FeatureSpecTest, NamesFollowTheDocumentedScheme) {
  ingest::EventTypeRegistry types;
  ASSERT_TRUE(types.register_type("webinar").ok());
  FeatureSpec spec(StreamConfig::defaults(), types);
  const std::vector<std::string>& n = spec.names();
  ASSERT_EQ(spec.per_type(), 12u);
  ASSERT_EQ(n.size(), 12u * 9);
  std::vector<std::string> page_view(n.begin(), n.begin() + 12);
  EXPECT_EQ(page_view, (std::vector<std::string>{
                           "counts_1h_page_view", "counts_24h_page_view", "counts_7d_page_view",
                           "counts_30d_page_view", "sum_1h_page_view", "sum_24h_page_view",
                           "sum_7d_page_view", "sum_30d_page_view", "recency_page_view_s",
                           "avg_last10_page_view", "mean_page_view", "std_page_view"}));
  EXPECT_EQ(n[6 * 12 + 7], "sum_30d_purchase");
  EXPECT_EQ(n[8 * 12], "counts_1h_webinar");
  // The fingerprint changes with the specification.
  FeatureSpec builtin_only(StreamConfig::defaults(), ingest::EventTypeRegistry{});
  EXPECT_NE(builtin_only.fingerprint(), spec.fingerprint());
  EXPECT_EQ(FeatureSpec(StreamConfig::defaults(), types).fingerprint(), spec.fingerprint());
}

TEST(FeatureSpecTest, ExtractsWindowValuesAtTimeT) {
  ingest::EventTypeRegistry types;
  FeatureSpec spec(StreamConfig::defaults(), types);
  StreamState state(StreamConfig::defaults());
  Timestamp t0 = *parse_timestamp("2026-11-23T10:00:00Z");
  auto apply = [&](ingest::EventTypeId type, Timestamp ts, double value, uint64_t key) {
    ingest::Event e;
    e.entity = "lead:1";
    e.type = type;
    e.ts = ts;
    e.value = value;
    e.key = key;
    ASSERT_EQ(state.apply(e), ApplyOutcome::kApplied);
  };
  apply(ingest::kPurchase, t0 - hours(48), 30, 1);
  apply(ingest::kPurchase, t0 - minutes(10), 20, 2);
  apply(ingest::kPageView, t0 - minutes(2), 1, 3);
  std::vector<double> f(spec.size());
  spec.extract(state.entity("lead:1"), t0, f);
  auto at = [&](std::string_view name) {
    for (size_t i = 0; i < spec.size(); ++i) {
      if (spec.names()[i] == name) return f[i];
    }
    ADD_FAILURE() << "no feature " << name;
    return -1.0;
  };
  EXPECT_EQ(at("counts_1h_purchase"), 1);
  EXPECT_EQ(at("counts_24h_purchase"), 1);
  EXPECT_EQ(at("counts_7d_purchase"), 2);
  EXPECT_EQ(at("sum_30d_purchase"), 50);
  EXPECT_EQ(at("sum_1h_purchase"), 20);
  EXPECT_EQ(at("recency_purchase_s"), 600);
  EXPECT_EQ(at("recency_page_view_s"), 120);
  EXPECT_EQ(at("avg_last10_purchase"), 25);
  EXPECT_EQ(at("mean_purchase"), 25);
  EXPECT_EQ(at("std_purchase"), 5);
  EXPECT_EQ(at("counts_30d_email_open"), 0);
  EXPECT_EQ(at("recency_email_open_s"), 30 * 86400);  // never: the cap
  std::vector<double> none(spec.size());
  spec.extract(nullptr, t0, none);
  EXPECT_EQ(none[8], 30 * 86400);
}

TEST(PointInTimeTest, FeaturesAsOfUseOnlyEventsBeforeT) {
  std::vector<ingest::Event> log = random_log(5000, 9);
  ingest::EventTypeRegistry types;
  StreamConfig config = StreamConfig::defaults();
  FeatureSpec spec(config, types);
  Timestamp label_time = log[2500].ts;

  // The reference: a state that only ever saw the events before t.
  StreamState past(config);
  for (const ingest::Event& e : log) {
    if (e.ts < label_time) past.apply(e);
  }
  std::vector<double> expected(spec.size());
  spec.extract(past.entity("lead:3"), label_time, expected);
  EXPECT_EQ(features_as_of(spec, log, "lead:3", label_time), expected);

  // And it differs from what the full history shows at the same t (events after t leak there).
  StreamState full(config);
  for (const ingest::Event& e : log) full.apply(e);
  std::vector<double> leaky(spec.size());
  spec.extract(full.entity("lead:3"), from_unix_micros(full.watermark_us()), leaky);
  EXPECT_NE(features_as_of(spec, log, "lead:3", label_time), leaky);
}

}  // namespace
}  // namespace icrm::stream
