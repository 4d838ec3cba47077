// Window arithmetic checked against a brute-force recomputation from the raw
// events, on random streams with out-of-order, late, too-late and duplicate
// events, driven by a ManualClock through validate_event().
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ingest/event.h"
#include "stream/feature_spec.h"
#include "stream/stream_state.h"

namespace icrm::stream {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Raw {
  std::string entity;
  ingest::EventTypeId type;
  int64_t ts_us;
  int64_t value_micros;
  uint64_t key;
};

// The reference: which events apply, by the documented rules, with unbounded memory.
class BruteForce {
 public:
  explicit BruteForce(const StreamConfig& config) : config_(config) {}

  ApplyOutcome apply(const ingest::Event& e) {
    int64_t ts = to_unix_micros(e.ts);
    if (applied_keys_.count(e.key)) return ApplyOutcome::kDuplicate;
    if (has_watermark_ && ts < watermark_ - config_.allowed_lateness().count()) {
      return ApplyOutcome::kTooLate;
    }
    if (!has_watermark_ || ts > watermark_) watermark_ = ts;
    has_watermark_ = true;
    applied_keys_.insert(e.key);
    events_.push_back({e.entity, e.type, ts, ingest::to_value_micros(e.value), e.key});
    return ApplyOutcome::kApplied;
  }

  std::vector<Raw> of(const std::string& entity, ingest::EventTypeId type) const {
    std::vector<Raw> out;
    for (const Raw& r : events_) {
      if (r.entity == entity && r.type == type) out.push_back(r);
    }
    return out;
  }

  int64_t watermark() const { return watermark_; }
  const std::vector<Raw>& events() const { return events_; }

 private:
  const StreamConfig& config_;
  std::set<uint64_t> applied_keys_;
  std::vector<Raw> events_;
  int64_t watermark_ = 0;
  bool has_watermark_ = false;
};

int64_t floor_div_ref(int64_t a, int64_t b) {
  return static_cast<int64_t>(std::floor(static_cast<long double>(a) / b));
}

void expect_matches(const StreamConfig& config, const StreamState& state, const BruteForce& ref,
                    const std::vector<std::string>& entities,
                    const std::vector<ingest::EventTypeId>& types, Timestamp t) {
  const int64_t t_us = to_unix_micros(t);
  for (const std::string& entity : entities) {
    const EntityState* es = state.entity(entity);
    for (ingest::EventTypeId type : types) {
      std::vector<Raw> raw = ref.of(entity, type);
      const TypeState* ts = es ? es->find(type) : nullptr;
      ASSERT_EQ(ts == nullptr, raw.empty()) << entity << " type " << type;
      if (!ts) continue;
      EXPECT_EQ(ts->applied, static_cast<int64_t>(raw.size()));
      for (size_t w = 0; w < config.window_count(); ++w) {
        int64_t g = config.granularity_us(w);
        int64_t q = floor_div_ref(t_us, g);
        int64_t count = 0;
        __int128 sum = 0;
        for (const Raw& r : raw) {
          int64_t b = floor_div_ref(r.ts_us, g);
          if (b > q - config.buckets(w) && b <= q) {
            ++count;
            sum += r.value_micros;
          }
        }
        WindowValue v = window_value(config, *ts, w, t);
        EXPECT_EQ(v.count, count) << entity << " type " << type << " window "
                                  << config.windows()[w].name << " at " << format_timestamp(t);
        EXPECT_EQ(v.sum, static_cast<double>(sum) / 1e6) << entity << " window " << w;
      }
      int64_t last = raw.front().ts_us;
      for (const Raw& r : raw) last = std::max(last, r.ts_us);
      double cap = static_cast<double>(config.longest_window().count()) / 1e6;
      EXPECT_EQ(recency_seconds(config, ts, t),
                std::clamp(static_cast<double>(t_us - last) / 1e6, 0.0, cap));

      std::vector<Raw> sorted = raw;
      std::sort(sorted.begin(), sorted.end(), [](const Raw& a, const Raw& b) {
        return a.ts_us != b.ts_us ? a.ts_us < b.ts_us : a.key < b.key;
      });
      size_t k = std::min<size_t>(sorted.size(), config.moving_average_k());
      int64_t last_k = 0;
      for (size_t i = sorted.size() - k; i < sorted.size(); ++i) last_k += sorted[i].value_micros;
      EXPECT_EQ(moving_average(ts), static_cast<double>(last_k) / 1e6 / static_cast<double>(k));

      double mean = 0;
      for (const Raw& r : raw) mean += static_cast<double>(r.value_micros) / 1e6;
      mean /= static_cast<double>(raw.size());
      double var = 0;
      for (const Raw& r : raw) {
        double d = static_cast<double>(r.value_micros) / 1e6 - mean;
        var += d * d;
      }
      var /= static_cast<double>(raw.size());
      double scale = 1 + std::fabs(mean) + std::sqrt(var);
      EXPECT_NEAR(ts->values.mean, mean, 1e-9 * scale);
      EXPECT_NEAR(ts->values.sigma(), std::sqrt(var), 1e-6 * scale);
    }
  }
}

struct RandomStreamCase {
  const char* name;
  StreamOptions options;
  const char* start;  // the clock's start; 1969 exercises negative bucket indices
};

void PrintTo(const RandomStreamCase& c, std::ostream* os) { *os << c.name; }

class RandomStreamTest : public ::testing::TestWithParam<RandomStreamCase> {};

TEST_P(RandomStreamTest, MatchesBruteForce) {
  const RandomStreamCase& c = GetParam();
  Result<StreamConfig> config = StreamConfig::create(c.options);
  ASSERT_TRUE(config.ok()) << config.error().to_string();
  ingest::EventTypeRegistry types;
  const ingest::EventTypeId webinar = *types.register_type("webinar");
  const std::vector<ingest::EventTypeId> used = {ingest::kPageView, ingest::kPurchase, webinar};
  // Five busy entities (their types turn dense) and many rare ones (theirs stay sparse).
  std::vector<std::string> entities = {"lead:1", "lead:2", "customer:ext:17850", "visitor:ext:a",
                                       "lead:5"};
  for (int i = 0; i < 60; ++i) entities.push_back("lead:" + std::to_string(1000 + i));
  ManualClock clock(*parse_timestamp(c.start));
  StreamState state(*config);
  BruteForce ref(*config);
  std::vector<ingest::EventInput> sent;
  std::mt19937_64 rng(20261123);
  int outcomes[4] = {0, 0, 0, 0};

  for (int i = 0; i < 6000; ++i) {
    // Time moves in small steps, sometimes by days (whole rings expire).
    int r = static_cast<int>(rng() % 1000);
    if (r < 5)
      clock.advance(hours(24 * static_cast<int>(1 + rng() % 12)));
    else if (r < 100)
      clock.advance(minutes(static_cast<int>(rng() % 240)));
    else
      clock.advance(std::chrono::seconds(static_cast<int>(rng() % 120)));

    ingest::EventInput in;
    if (!sent.empty() && rng() % 10 == 0) {
      // A re-delivery, usually of a recent event, sometimes of an old one.
      size_t back = std::min<size_t>(sent.size(), rng() % 4 == 0 ? sent.size() : 3);
      in = sent[sent.size() - 1 - rng() % back];
    } else {
      in.entity = rng() % 4 == 0 ? entities[5 + rng() % 60] : entities[rng() % 5];
      ingest::EventTypeId type = used[rng() % used.size()];
      in.type = std::string(types.name(type));
      // Mostly a little behind the clock, some late (within and past the
      // allowed lateness), a few slightly ahead.
      int64_t behind_s = static_cast<int64_t>(rng() % 300);
      int lag = static_cast<int>(rng() % 100);
      if (lag < 10)
        behind_s = static_cast<int64_t>(rng() % (3 * 3600));
      else if (lag < 12)
        behind_s = static_cast<int64_t>(rng() % (40 * 86400));
      else if (lag < 15)
        behind_s = -static_cast<int64_t>(rng() % 300);
      in.ts = format_timestamp(clock.now() - std::chrono::seconds(behind_s) +
                               std::chrono::microseconds(rng() % 1000000));
      if (type != ingest::kPageView)
        in.value = static_cast<double>(static_cast<int64_t>(rng() % 2000000001) - 1000000000) / 1e4;
      if (rng() % 2) in.id = "e" + std::to_string(i);
      sent.push_back(in);
    }
    Result<ingest::Event> e = ingest::validate_event(in, types, clock);
    ASSERT_TRUE(e.ok()) << e.error().to_string();
    ApplyOutcome expected = ref.apply(*e);
    ApplyOutcome got = state.apply(*e);
    ++outcomes[static_cast<int>(got)];
    // A forgotten duplicate is refused as too late; either way it is not applied.
    ASSERT_EQ(got == ApplyOutcome::kApplied, expected == ApplyOutcome::kApplied) << "event " << i;
    if (expected == ApplyOutcome::kDuplicate && got != ApplyOutcome::kDuplicate) {
      ASSERT_EQ(got, ApplyOutcome::kTooLate);
    }
    if (i % 500 == 499) {
      expect_matches(*config, state, ref, entities, used, from_unix_micros(ref.watermark()));
      if (HasFailure()) return;
    }
  }
  // The stream really had every kind of event in it.
  EXPECT_GT(outcomes[static_cast<int>(ApplyOutcome::kApplied)], 3000)
      << outcomes[0] << " " << outcomes[1] << " " << outcomes[2];
  EXPECT_GT(outcomes[static_cast<int>(ApplyOutcome::kDuplicate)], 200);
  EXPECT_GT(outcomes[static_cast<int>(ApplyOutcome::kTooLate)], 50);
  EXPECT_EQ(state.counters().applied, outcomes[0]);
  int dense = 0, sparse = 0;
  state.for_each_entity([&](std::string_view, const EntityState& e) {
    for (const TypeState& t : e.types) (t.dense() ? dense : sparse) += 1;
  });
  EXPECT_GT(dense, 5);
  EXPECT_GT(sparse, 50);

  // Queries at later times: windows drain bucket by bucket.
  for (int64_t later_s : {0, 30, 59, 60, 61, 3599, 3600, 3601, 86399, 86400, 6 * 86400 + 3,
                          7 * 86400, 29 * 86400, 30 * 86400, 31 * 86400}) {
    expect_matches(*config, state, ref, entities, used,
                   from_unix_micros(ref.watermark()) + std::chrono::seconds(later_s));
    if (HasFailure()) return;
  }
}

StreamOptions odd_windows() {
  StreamOptions o;
  o.windows = {{"7m", minutes(7), minutes(1)},
               {"5h", hours(5), minutes(30)},
               {"3d", hours(72), hours(72)}};  // one bucket: a tumbling window
  o.moving_average_k = 3;
  o.allowed_lateness = minutes(30);
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Streams, RandomStreamTest,
    ::testing::Values(RandomStreamCase{"Defaults", StreamOptions{}, "2026-11-01T00:00:00Z"},
                      RandomStreamCase{"OddWindows", odd_windows(), "2026-11-01T00:00:00Z"},
                      RandomStreamCase{"BeforeTheEpoch", StreamOptions{}, "1969-12-20T00:00:00Z"}),
    [](const auto& info) { return std::string(info.param.name); });

ingest::Event make(std::string entity, ingest::EventTypeId type, const char* ts, double value,
                   uint64_t key) {
  ingest::Event e;
  e.entity = std::move(entity);
  e.type = type;
  e.ts = *parse_timestamp(ts);
  e.value = value;
  e.key = key;
  return e;
}

TEST(WindowTest, LateEventWithinLatenessLandsInItsBucket) {
  StreamState state(StreamConfig::defaults());
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T10:00:00Z", 1, 1)),
            ApplyOutcome::kApplied);
  // 50 minutes late: inside the default 1 h lateness, and inside the 1 h window.
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T09:10:00Z", 1, 2)),
            ApplyOutcome::kApplied);
  // Exactly 60 minutes late: still allowed, but its minute bucket is the one
  // that has just left the 1 h ring (it shares a slot with the newest bucket).
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T09:00:00Z", 1, 4)),
            ApplyOutcome::kApplied);
  // 61 minutes late: flagged, not applied.
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T08:59:00Z", 1, 3)),
            ApplyOutcome::kTooLate);
  const TypeState* s = state.entity("lead:1")->find(ingest::kCall);
  const StreamConfig& c = state.config();
  EXPECT_EQ(window_value(c, *s, 0, *parse_timestamp("2026-11-23T10:00:00Z")).count, 2);
  // At 10:10 the 09:10 minute bucket has left the 1 h window; the 10:00 one has not.
  EXPECT_EQ(window_value(c, *s, 0, *parse_timestamp("2026-11-23T10:10:00Z")).count, 1);
  EXPECT_EQ(window_value(c, *s, 0, *parse_timestamp("2026-11-23T11:00:00Z")).count, 0);
  // The 24 h window (hour buckets) still holds all three until 09:00 next day.
  EXPECT_EQ(window_value(c, *s, 1, *parse_timestamp("2026-11-24T08:59:00Z")).count, 3);
  EXPECT_EQ(window_value(c, *s, 1, *parse_timestamp("2026-11-24T09:59:00Z")).count, 1);
  EXPECT_EQ(s->applied, 3);
  EXPECT_EQ(state.counters().too_late, 1);
}

TEST(WindowTest, DuplicateIsNotCountedTwice) {
  StreamState state(StreamConfig::defaults());
  ingest::Event e = make("lead:1", ingest::kPurchase, "2026-11-23T10:00:00Z", 99.95, 42);
  EXPECT_EQ(state.apply(e), ApplyOutcome::kApplied);
  EXPECT_EQ(state.apply(e), ApplyOutcome::kDuplicate);
  e.value = 10;  // same idempotency key, different body: still the same event
  EXPECT_EQ(state.apply(e), ApplyOutcome::kDuplicate);
  const TypeState* s = state.entity("lead:1")->find(ingest::kPurchase);
  WindowValue v = window_value(state.config(), *s, 3, e.ts);
  EXPECT_EQ(v.count, 1);
  EXPECT_EQ(v.sum, 99.95);
  EXPECT_EQ(state.counters().duplicates, 2);
}

TEST(WindowTest, MovingAverageIsOverTheLastKByTime) {
  StreamOptions o;
  o.moving_average_k = 3;
  StreamState state(*StreamConfig::create(o));
  const char* times[] = {"2026-11-23T10:00:00Z", "2026-11-23T10:01:00Z", "2026-11-23T10:02:00Z",
                         "2026-11-23T10:03:00Z"};
  double values[] = {10, 20, 30, 40};
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, times[i], values[i], 100 + i)),
              ApplyOutcome::kApplied);
  }
  const TypeState* s = state.entity("lead:1")->find(ingest::kCall);
  EXPECT_DOUBLE_EQ(moving_average(s), 30.0);  // (20 + 30 + 40) / 3
  // A late event older than the last three does not enter A_t...
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T09:59:00Z", 1000, 200)),
            ApplyOutcome::kApplied);
  EXPECT_DOUBLE_EQ(moving_average(s), 30.0);
  // ...one between them does, and pushes the oldest of the three out.
  ASSERT_EQ(state.apply(make("lead:1", ingest::kCall, "2026-11-23T10:02:30Z", 5, 201)),
            ApplyOutcome::kApplied);
  EXPECT_DOUBLE_EQ(moving_average(s), 25.0);  // (30 + 5 + 40) / 3
  // With fewer than k values A_t averages what there is.
  ASSERT_EQ(state.apply(make("lead:2", ingest::kCall, "2026-11-23T10:03:00Z", 7, 300)),
            ApplyOutcome::kApplied);
  EXPECT_DOUBLE_EQ(moving_average(state.entity("lead:2")->find(ingest::kCall)), 7.0);
  EXPECT_EQ(moving_average(nullptr), 0.0);
}

TEST(WindowTest, MemoryPerEntityIsBoundedWhateverTheVolume) {
  StreamState state(StreamConfig::defaults());
  Timestamp t0 = *parse_timestamp("2026-01-01T00:00:00Z");
  uint64_t key = 1;
  auto feed = [&](int n) {
    for (int i = 0; i < n; ++i, ++key) {
      ingest::Event e;
      e.entity = "lead:1";
      e.type = static_cast<ingest::EventTypeId>(key % ingest::kBuiltinTypeCount);
      e.ts = t0 + std::chrono::seconds(static_cast<int64_t>(key) * 7);
      e.value = static_cast<double>(key % 100);
      e.key = key;
      ASSERT_EQ(state.apply(e), ApplyOutcome::kApplied);
    }
  };
  feed(1000);
  size_t after_1k = memory_bytes(*state.entity("lead:1"));
  feed(200000);  // ~16 days more of events
  size_t after_201k = memory_bytes(*state.entity("lead:1"));
  EXPECT_EQ(after_1k, after_201k);
  // The documented bound: rings, totals and k recent values per type.
  const StreamConfig& c = state.config();
  size_t per_type = sizeof(TypeState) + c.total_buckets() * sizeof(Bucket) +
                    c.window_count() * sizeof(WindowTotals) +
                    c.moving_average_k() * sizeof(RecentValue);
  EXPECT_LE(after_201k, sizeof(EntityState) + ingest::kBuiltinTypeCount * per_type * 2);
  EXPECT_GE(after_201k, ingest::kBuiltinTypeCount * per_type);
  for (const TypeState& t : state.entity("lead:1")->types) EXPECT_TRUE(t.dense());
}

TEST(WindowTest, SparseTypesStaySmall) {
  StreamState state(StreamConfig::defaults());
  Timestamp t0 = *parse_timestamp("2026-01-01T00:00:00Z");
  // A lead that opens an email every 3 days for a year: never more than the
  // 30 d window's ten events held, so the type never needs rings.
  for (uint64_t k = 1; k <= 120; ++k) {
    ingest::Event e;
    e.entity = "lead:9";
    e.type = ingest::kEmailOpen;
    e.ts = t0 + std::chrono::hours(72 * static_cast<int64_t>(k));
    e.key = k;
    ASSERT_EQ(state.apply(e), ApplyOutcome::kApplied);
  }
  const TypeState* s = state.entity("lead:9")->find(ingest::kEmailOpen);
  EXPECT_FALSE(s->dense());
  EXPECT_LE(s->raw.size(), 11u);
  EXPECT_LT(memory_bytes(*state.entity("lead:9")), 1024u);
  Timestamp last = t0 + std::chrono::hours(72 * 120);
  EXPECT_EQ(window_value(state.config(), *s, 3, last).count, 10);  // 30 d of daily buckets
  EXPECT_EQ(window_value(state.config(), *s, 2, last).count, 3);   // 7 d in 6 h buckets
  // 20 days on, the 30 d window starts exactly at the event 9 days before `last`.
  EXPECT_EQ(window_value(state.config(), *s, 3, last + std::chrono::hours(24 * 20)).count, 4);
  EXPECT_EQ(window_value(state.config(), *s, 3, last + std::chrono::hours(24 * 30)).count, 0);
}

TEST(WindowTest, SaturatedBucketsKeepTotalsConsistent) {
  StreamOptions o;
  o.windows = {{"1h", hours(1), hours(1)}};
  StreamState state(*StreamConfig::create(o));
  // 9,300 events of 1e9 units overflow one int64 micro-unit bucket (9.2e12 units).
  for (uint64_t k = 1; k <= 9300; ++k) {
    ASSERT_EQ(state.apply(make("lead:1", ingest::kPurchase, "2026-11-23T10:00:00Z", 1e9, k)),
              ApplyOutcome::kApplied);
  }
  const TypeState* s = state.entity("lead:1")->find(ingest::kPurchase);
  EXPECT_EQ(s->buckets[0].sum, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s->windows[0].sum, static_cast<__int128>(std::numeric_limits<int64_t>::max()));
  // A negative value still moves the saturated bucket and its total together.
  ASSERT_EQ(state.apply(make("lead:1", ingest::kPurchase, "2026-11-23T10:00:00Z", -1, 99999)),
            ApplyOutcome::kApplied);
  EXPECT_EQ(s->windows[0].sum, static_cast<__int128>(s->buckets[0].sum));
}

}  // namespace
}  // namespace icrm::stream
