// Restart equality through the durable log: events validated, acknowledged by
// the appender and applied live; after a "restart" the state rebuilt from the
// database equals the live one, on both engines.
#include "ingest/event_replay.h"

#include <gtest/gtest.h>

#include <random>

#include "ingest/event_appender.h"
#include "stream/feature_spec.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

class EventReplayTest : public testing::StoreTest {};

TEST_P(EventReplayTest, StateRebuiltFromTheLogEqualsTheLiveState) {
  stream::EventTypeRegistry types;
  ASSERT_TRUE(types.register_type("webinar").ok());
  ManualClock clock(*parse_timestamp("2026-11-01T00:00:00Z"));
  stream::StreamState live(stream::StreamConfig::defaults());
  store::EventStore log(db());
  std::mt19937_64 rng(17);
  std::vector<stream::EventInput> sent;
  {
    EventAppender appender(log);
    for (int b = 0; b < 20; ++b) {
      std::vector<store::LoggedEvent> batch;
      for (int i = 0; i < 100; ++i) {
        clock.advance(std::chrono::seconds(static_cast<int64_t>(rng() % 900)));
        stream::EventInput in;
        if (!sent.empty() && rng() % 15 == 0) {
          in = sent[sent.size() - 1 - rng() % std::min<size_t>(sent.size(), 5)];  // re-delivery
        } else {
          in.entity = "lead:" + std::to_string(rng() % 30);
          in.type = std::string(types.name(static_cast<stream::EventTypeId>(rng() % types.size())));
          int64_t behind = rng() % 10 == 0 ? static_cast<int64_t>(rng() % 7200) : 0;
          in.ts = format_timestamp(clock.now() - std::chrono::seconds(behind) +
                                   std::chrono::microseconds(rng() % 1000000));
          // Values with many significant digits: the log must give them back exactly.
          in.value = static_cast<double>(rng() % 100000000) / 7.0;
          if (rng() % 2) in.id = "evt-" + std::to_string(b) + "-" + std::to_string(i);
          sent.push_back(in);
        }
        auto event = stream::validate_event(in, types, clock);
        ASSERT_TRUE(event.ok()) << event.error().to_string();
        // Live: apply, then log with the decision (acknowledged once durable).
        stream::ApplyOutcome outcome = live.apply(*event);
        batch.push_back(to_logged_event(*event, types, clock.now(),
                                        outcome == stream::ApplyOutcome::kTooLate));
      }
      auto acked = appender.submit(std::move(batch)).get();
      ASSERT_TRUE(acked.ok()) << acked.error().to_string();
    }
  }
  ASSERT_GT(live.counters().duplicates, 0);
  ASSERT_GT(live.counters().too_late, 0);

  // Restart: a new process opens the database and replays the log.
  auto reopened = store::Database::open({.url = db_url()});
  ASSERT_TRUE(reopened.ok());
  store::EventStore again(**reopened);
  stream::StreamState rebuilt(stream::StreamConfig::defaults());
  auto stats = replay_event_log(again, types, rebuilt, 0, 333);  // several pages
  ASSERT_TRUE(stats.ok()) << stats.error().to_string();
  EXPECT_EQ(stats->unknown_type, 0);
  EXPECT_EQ(stats->applied, live.counters().applied);
  // The log stores each key once, so a re-delivered duplicate (or a too-late
  // event sent twice) is replayed once: only those counters are lower. The
  // state itself (windows, dedupe memory, watermark) is identical.
  EXPECT_EQ(rebuilt.counters().applied, live.counters().applied);
  EXPECT_LE(rebuilt.counters().too_late, live.counters().too_late);
  EXPECT_GT(rebuilt.counters().too_late, 0);
  EXPECT_EQ(rebuilt.watermark_us(), live.watermark_us());
  EXPECT_TRUE(rebuilt.dedupe() == live.dedupe());
  stream::FeatureSpec spec(stream::StreamConfig::defaults(), types);
  Timestamp t = from_unix_micros(live.watermark_us());
  std::vector<double> a(spec.size()), b(spec.size());
  for (int lead = 0; lead < 30; ++lead) {
    std::string key = "lead:" + std::to_string(lead);
    const stream::EntityState* la = live.entity(key);
    const stream::EntityState* rb = rebuilt.entity(key);
    ASSERT_EQ(la == nullptr, rb == nullptr);
    if (la) {
      EXPECT_TRUE(*la == *rb) << key;
    }
    spec.extract(la, t, a);
    spec.extract(rb, t, b);
    EXPECT_EQ(a, b) << key;
  }
  EXPECT_EQ(rebuilt.entity_count(), live.entity_count());
}

TEST_P(EventReplayTest, UnregisteredTypesAreSkippedAndCounted) {
  store::EventStore log(db());
  store::LoggedEvent row;
  row.key = 7;
  row.entity = "lead:1";
  row.type = "retired_type";
  row.ts = *parse_timestamp("2026-11-01T00:00:00Z");
  row.received_at = row.ts;
  ASSERT_TRUE(log.append(std::vector<store::LoggedEvent>{row}).ok());
  stream::StreamState state(stream::StreamConfig::defaults());
  auto stats = replay_event_log(log, stream::EventTypeRegistry{}, state);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->rows, 1);
  EXPECT_EQ(stats->unknown_type, 1);
  EXPECT_EQ(state.entity_count(), 0u);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventReplayTest);

}  // namespace
}  // namespace icrm::ingest
