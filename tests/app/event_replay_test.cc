// Restart equality through the durable log: events validated, acknowledged by
// the appender and applied live; after a "restart" the state rebuilt from the
// database equals the live one, on both engines.
#include <gtest/gtest.h>

#include <random>

#include "app/event_appender.h"
#include "stream/feature_spec.h"
#include "stream/log_replay.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

class EventReplayTest : public testing::StoreTest {};

// The live side as the server runs it: the appender's committed events
// applied to a StreamState in log order.
class LiveState final : public CommitSink {
 public:
  LiveState() : state(stream::StreamConfig::defaults()) {}
  void committed(std::vector<ingest::Event> events) override {
    for (const auto& e : events) state.apply(e);
  }
  stream::Admission admission() override { return state.admission(); }
  stream::StreamState state;
};

TEST_P(EventReplayTest, StateRebuiltFromTheLogEqualsTheLiveState) {
  auto types = std::make_shared<ingest::EventTypeRegistry>();
  ASSERT_TRUE(types->register_type("webinar").ok());
  ManualClock clock(*parse_timestamp("2026-11-01T00:00:00Z"));
  LiveState live;
  std::mt19937_64 rng(17);
  std::vector<ingest::EventInput> sent;
  int64_t duplicates = 0, too_late = 0;
  {
    EventAppender appender(db(), stream::StreamConfig::defaults(), &live);
    for (int b = 0; b < 20; ++b) {
      AppendBatch batch{{}, types, clock.now()};
      for (int i = 0; i < 100; ++i) {
        clock.advance(std::chrono::seconds(static_cast<int64_t>(rng() % 900)));
        ingest::EventInput in;
        if (!sent.empty() && rng() % 15 == 0) {
          in = sent[sent.size() - 1 - rng() % std::min<size_t>(sent.size(), 5)];  // re-delivery
        } else {
          in.entity = "lead:" + std::to_string(rng() % 30);
          in.type =
              std::string(types->name(static_cast<ingest::EventTypeId>(rng() % types->size())));
          int64_t behind = rng() % 10 == 0 ? static_cast<int64_t>(rng() % 7200) : 0;
          in.ts = format_timestamp(clock.now() - std::chrono::seconds(behind) +
                                   std::chrono::microseconds(rng() % 1000000));
          // Values with many significant digits: the log must give them back exactly.
          in.value = static_cast<double>(rng() % 100000000) / 7.0;
          if (rng() % 2) in.id = "evt-" + std::to_string(b) + "-" + std::to_string(i);
          sent.push_back(in);
        }
        auto event = ingest::validate_event(in, *types, clock);
        ASSERT_TRUE(event.ok()) << event.error().to_string();
        batch.events.push_back(std::move(*event));
      }
      auto acked = appender.submit(std::move(batch)).get();
      ASSERT_TRUE(acked.ok()) << acked.error().to_string();
      duplicates += acked->duplicates;
      too_late += acked->too_late;
    }
  }
  // The appender refused the re-deliveries before storing them, and flagged
  // the too-late ones as the stream then judged them.
  ASSERT_GT(duplicates, 0);
  ASSERT_GT(too_late, 0);
  EXPECT_EQ(live.state.counters().duplicates, 0);
  EXPECT_EQ(live.state.counters().too_late, too_late);

  // Restart: a new process opens the database and replays the log.
  auto reopened = store::Database::open({.url = db_url()});
  ASSERT_TRUE(reopened.ok());
  store::EventStore again(**reopened);
  stream::StreamState rebuilt(stream::StreamConfig::defaults());
  auto stats = stream::replay_event_log(again, *types, rebuilt, 0, 333);  // several pages
  ASSERT_TRUE(stats.ok()) << stats.error().to_string();
  EXPECT_EQ(stats->unknown_type, 0);
  EXPECT_EQ(stats->rows, 2000 - duplicates);
  // Everything equal: windows, dedupe memory, watermark and counters.
  EXPECT_TRUE(rebuilt == live.state);
  EXPECT_EQ(rebuilt.counters().too_late, too_late);
  stream::FeatureSpec spec(stream::StreamConfig::defaults(), *types);
  Timestamp t = from_unix_micros(live.state.watermark_us());
  std::vector<double> a(spec.size()), b(spec.size());
  for (int lead = 0; lead < 30; ++lead) {
    std::string key = "lead:" + std::to_string(lead);
    const stream::EntityState* la = live.state.entity(key);
    const stream::EntityState* rb = rebuilt.entity(key);
    ASSERT_EQ(la == nullptr, rb == nullptr);
    spec.extract(la, t, a);
    spec.extract(rb, t, b);
    EXPECT_EQ(a, b) << key;
  }
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
  auto stats = stream::replay_event_log(log, ingest::EventTypeRegistry{}, state);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->rows, 1);
  EXPECT_EQ(stats->unknown_type, 1);
  EXPECT_EQ(state.entity_count(), 0u);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventReplayTest);

}  // namespace
}  // namespace icrm::app
