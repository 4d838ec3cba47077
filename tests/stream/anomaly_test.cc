#include "stream/anomaly.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "stream/stream_monitor.h"
#include "stream/stream_state.h"

namespace icrm::stream {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(EwmaStatsTest, ZerosInClosedFormEqualZerosOneByOne) {
  EwmaStats a, b;
  for (double x : {3.0, 5.0, 4.0, 9.0}) {
    a.add(x, 0.05);
    b.add(x, 0.05);
  }
  for (int i = 0; i < 37; ++i) a.add(0, 0.05);
  b.add_zeros(37, 0.05);
  EXPECT_EQ(a.n, b.n);
  EXPECT_NEAR(a.mean, b.mean, 1e-12);
  EXPECT_NEAR(a.var, b.var, 1e-12);
}

TEST(WelfordStatsTest, MatchesTwoPass) {
  WelfordStats w;
  std::vector<double> xs = {1e6 + 4, 1e6 + 7, 1e6 + 13, 1e6 + 16};
  for (double x : xs) w.add(x);
  EXPECT_DOUBLE_EQ(w.mean, 1e6 + 10);
  EXPECT_NEAR(w.variance(), 22.5, 1e-9);  // stable where the naive sum of squares is not
}

ingest::Event visit(const std::string& entity, Timestamp ts, uint64_t key, double value = 1) {
  ingest::Event e;
  e.entity = entity;
  e.type = ingest::kPageView;
  e.ts = ts;
  e.value = value;
  e.key = key;
  return e;
}

// 40 leads visiting at a steady, slightly noisy rate for two weeks; two of
// them burst on day 12. The burst leads are flagged, nobody else.
TEST(EntityAnomalyTest, FindsPlantedBurstsAndNothingOnASteadyStream) {
  StreamState state(StreamConfig::defaults());
  std::vector<Anomaly> anomalies;
  std::mt19937_64 rng(7);
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  uint64_t key = 1;
  const std::string cold = "lead:7";   // one visit a day, then 12 in an hour
  const std::string warm = "lead:21";  // ~2 an hour, then 15 in an hour
  for (int hour = 0; hour < 14 * 24; ++hour) {
    for (int lead = 0; lead < 40; ++lead) {
      std::string entity = "lead:" + std::to_string(lead);
      int visits = entity == cold ? (hour % 24 == 9 ? 1 : 0) : static_cast<int>(1 + rng() % 3);
      bool burst_hour = hour == 12 * 24 + 15;
      if (burst_hour && entity == cold) visits = 12;
      if (burst_hour && entity == warm) visits = 15;
      for (int v = 0; v < visits; ++v) {
        Timestamp ts = t0 + hours(hour) + seconds(static_cast<int64_t>(rng() % 3600));
        state.apply(visit(entity, ts, key++), &anomalies);
      }
    }
  }
  std::set<std::string> flagged;
  for (const Anomaly& a : anomalies) {
    EXPECT_EQ(a.kind, AnomalyKind::kEntityBurst) << a.entity;
    EXPECT_GT(a.seen, a.expected + 3 * a.sigma);
    EXPECT_GE(a.at, t0 + hours(12 * 24 + 15));
    EXPECT_LT(a.at, t0 + hours(12 * 24 + 16));
    flagged.insert(a.entity);
  }
  EXPECT_EQ(flagged, (std::set<std::string>{cold, warm}));
  EXPECT_EQ(anomalies.size(), 2u);  // once per burst, not once per event in it
}

TEST(EntityAnomalyTest, NeedsMinimumHistory) {
  StreamState state(StreamConfig::defaults());
  std::vector<Anomaly> anomalies;
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  // A brand-new lead's first busy hour is not a burst: there is no baseline yet.
  for (uint64_t k = 1; k <= 50; ++k) state.apply(visit("lead:1", t0 + seconds(k), k), &anomalies);
  EXPECT_TRUE(anomalies.empty());
}

TEST(EntityAnomalyTest, FlagsAnOutlyingValue) {
  StreamState state(StreamConfig::defaults());
  std::vector<Anomaly> anomalies;
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  uint64_t key = 1;
  for (int day = 0; day < 30; ++day) {
    ingest::Event e = visit("customer:ext:1", t0 + hours(24 * day), key++, 40 + (day % 5));
    e.type = ingest::kPurchase;
    state.apply(e, &anomalies);
  }
  EXPECT_TRUE(anomalies.empty());
  ingest::Event big = visit("customer:ext:1", t0 + hours(24 * 30), key++, 4000);
  big.type = ingest::kPurchase;
  state.apply(big, &anomalies);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0].kind, AnomalyKind::kEntityValue);
  EXPECT_EQ(anomalies[0].seen, 4000);
  EXPECT_NEAR(anomalies[0].expected, 42, 0.5);
  EXPECT_EQ(anomalies[0].type, ingest::kPurchase);
  EXPECT_EQ(anomalies[0].entity, "customer:ext:1");
}

TEST(EntityAnomalyTest, ABurstNeedsMinimumEvents) {
  StreamOptions o;
  o.rate_min_events = 13;
  StreamState state(*StreamConfig::create(o));
  std::vector<Anomaly> anomalies;
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  uint64_t key = 1;
  for (int day = 0; day < 14; ++day)
    state.apply(visit("lead:1", t0 + hours(24 * day), key++), &anomalies);
  for (int v = 0; v < 12; ++v)
    state.apply(visit("lead:1", t0 + hours(24 * 14) + seconds(v), key++), &anomalies);
  EXPECT_TRUE(anomalies.empty());  // 12 visits from a cold lead, but 13 are required here
  state.apply(visit("lead:1", t0 + hours(24 * 14) + seconds(30), key++), &anomalies);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0].seen, 13);
  o.rate_min_events = 0;
  EXPECT_FALSE(StreamConfig::create(o).ok());
}

TEST(EntityAnomalyTest, GammaIsConfigurable) {
  StreamOptions lenient;
  lenient.gamma = 50;
  StreamState state(*StreamConfig::create(lenient));
  std::vector<Anomaly> anomalies;
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  uint64_t key = 1;
  for (int hour = 0; hour < 48; ++hour)
    state.apply(visit("lead:1", t0 + hours(hour), key++), &anomalies);
  for (int v = 0; v < 20; ++v)
    state.apply(visit("lead:1", t0 + hours(48) + seconds(v), key++), &anomalies);
  EXPECT_TRUE(anomalies.empty());  // 20 > 1 + 3 sigma, but not 1 + 50 sigma
}

class StreamMonitorTest : public ::testing::Test {
 protected:
  StreamMonitor monitor_ = *StreamMonitor::create(MonitorOptions{});
  ManualClock clock_{*parse_timestamp("2026-11-23T00:00:00Z")};
  std::vector<Anomaly> out_;
  std::mt19937_64 rng_{11};

  // One minute of traffic at about `rate` events, spread through the minute.
  void minute(int rate) {
    Timestamp start = clock_.now();
    int n = rate == 0 ? 0 : rate - 5 + static_cast<int>(rng_() % 11);
    for (int i = 0; i < n; ++i) {
      clock_.set(start + std::chrono::microseconds(60'000'000LL * i / n));
      monitor_.record(clock_.now(), out_);
    }
    clock_.set(start + minutes(1));
    monitor_.tick(clock_.now(), out_);
  }
};

TEST_F(StreamMonitorTest, SteadyTrafficRaisesNothing) {
  for (int m = 0; m < 240; ++m) minute(100);
  EXPECT_TRUE(out_.empty());
}

TEST_F(StreamMonitorTest, FlagsASpikeWhileItHappens) {
  for (int m = 0; m < 60; ++m) minute(100);
  ASSERT_TRUE(out_.empty());
  Timestamp spike_start = clock_.now();
  minute(400);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].kind, AnomalyKind::kStreamSpike);
  EXPECT_LT(out_[0].at, spike_start + seconds(30));  // raised inside the minute, not after
  EXPECT_NEAR(out_[0].expected, 100, 5);
}

TEST_F(StreamMonitorTest, FlagsACollapseOnTickWithNoEvents) {
  for (int m = 0; m < 60; ++m) minute(100);
  ASSERT_TRUE(out_.empty());
  minute(0);
  minute(0);
  ASSERT_EQ(out_.size(), 1u);  // once per collapse
  EXPECT_EQ(out_[0].kind, AnomalyKind::kStreamCollapse);
  EXPECT_EQ(out_[0].seen, 0);
  EXPECT_NEAR(out_[0].expected, 100, 5);
  EXPECT_EQ(out_[0].entity, "");
  EXPECT_FALSE(out_[0].type.has_value());
}

TEST_F(StreamMonitorTest, RejectsBadOptions) {
  MonitorOptions o;
  o.alpha = 1;
  EXPECT_FALSE(StreamMonitor::create(o).ok());
  o = MonitorOptions{};
  o.bucket = std::chrono::microseconds(0);
  EXPECT_FALSE(StreamMonitor::create(o).ok());
}

}  // namespace
}  // namespace icrm::stream
