#include "app/event_appender.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

#include "store/event_store.h"
#include "stream/log_replay.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

using std::chrono::seconds;

const Timestamp kT0 = *parse_timestamp("2026-11-23T10:00:00Z");

// The stream's side: committed events applied in log order.
class LiveState final : public CommitSink {
 public:
  explicit LiveState(stream::StreamConfig config) : state(std::move(config)) {}
  void committed(std::vector<ingest::Event> events) override {
    for (const auto& e : events) state.apply(e);
  }
  stream::Admission admission() override { return state.admission(); }
  stream::StreamState state;
};

class EventAppenderTest : public testing::StoreTest {
 protected:
  AppendBatch batch(uint64_t first_key, size_t n, Timestamp t0 = kT0) {
    AppendBatch b{{}, types_, t0};
    for (size_t i = 0; i < n; ++i) {
      ingest::Event e;
      e.key = first_key + i;
      e.entity = "lead:" + std::to_string(i % 13);
      e.type = ingest::kEmailOpen;
      e.ts = t0 + seconds(static_cast<int64_t>(i));
      b.events.push_back(std::move(e));
    }
    return b;
  }
  int64_t logged() {
    store::EventStore log(db());
    return *log.count();
  }
  std::shared_ptr<const ingest::EventTypeRegistry> types_ =
      std::make_shared<ingest::EventTypeRegistry>();
};

TEST_P(EventAppenderTest, ConcurrentSubmittersAreAllDurableInFewCommits) {
  int64_t acknowledged = 0;
  {
    EventAppender appender(db(), stream::StreamConfig::defaults());
    std::vector<std::thread> threads;
    std::mutex m;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::future<Result<AppendOutcome>>> futures;
        for (int b = 0; b < 10; ++b) {
          futures.push_back(appender.submit(batch(1 + (t * 10 + b) * 1000ULL, 100)));
        }
        for (auto& f : futures) {
          Result<AppendOutcome> r = f.get();
          ASSERT_TRUE(r.ok()) << r.error().to_string();
          std::lock_guard<std::mutex> lock(m);
          acknowledged += r->stored;
        }
      });
    }
    for (auto& t : threads) t.join();
    AppenderStats s = appender.stats();
    EXPECT_EQ(s.batches, 40);
    EXPECT_EQ(s.events_stored, 4000);
    // Group commit: batches that waited together shared a transaction.
    EXPECT_LT(s.commits, 40);
  }
  EXPECT_EQ(acknowledged, 4000);
  auto other = store::Database::open({.url = db_url()});
  ASSERT_TRUE(other.ok());
  store::EventStore again(**other);
  EXPECT_EQ(*again.count(), 4000);  // every acknowledged event is in the log
}

TEST_P(EventAppenderTest, RedeliveredEventsAreAcknowledgedButStoredOnce) {
  EventAppender appender(db(), stream::StreamConfig::defaults());
  auto first = appender.submit(batch(1, 50)).get();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->stored, 50);
  // Keys 26..75, the first 25 re-deliveries of the same events (same times).
  AppendBatch again = batch(1, 75);
  again.events.erase(again.events.begin(), again.events.begin() + 25);
  auto second = appender.submit(std::move(again)).get();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->stored, 25);
  EXPECT_EQ(second->duplicates, 25);
  EXPECT_EQ(second->outcomes[0], EventOutcome::kDuplicate);
  EXPECT_EQ(second->outcomes[25], EventOutcome::kStored);
  EXPECT_EQ(logged(), 75);
}

TEST_P(EventAppenderTest, TooLateEventsAreStoredFlaggedAndNotApplied) {
  LiveState live(stream::StreamConfig::defaults());  // allowed lateness 1 h
  EventAppender appender(db(), stream::StreamConfig::defaults(), &live);
  ASSERT_TRUE(appender.submit(batch(1, 1, kT0 + std::chrono::hours(3))).get().ok());
  AppendBatch late = batch(100, 2, kT0);
  late.events[1].ts = kT0 + std::chrono::hours(2) + std::chrono::minutes(1);  // within lateness
  auto r = appender.submit(std::move(late)).get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcomes[0], EventOutcome::kStoredTooLate);
  EXPECT_EQ(r->outcomes[1], EventOutcome::kStored);
  EXPECT_EQ(r->too_late, 1);
  store::EventStore log(db());
  auto rows = log.read_after(0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_FALSE((*rows)[0].too_late);
  EXPECT_TRUE((*rows)[1].too_late);
  EXPECT_FALSE((*rows)[2].too_late);
  EXPECT_EQ(live.state.counters().too_late, 1);
  EXPECT_EQ(live.state.counters().applied, 2);
}

TEST_P(EventAppenderTest, ARedeliveryBeyondTheDedupeMemoryIsCaughtByTheLog) {
  stream::StreamOptions options;
  options.dedupe_capacity = 4;  // forgets all but the last four keys
  auto config = *stream::StreamConfig::create(options);
  LiveState live(config);
  EventAppender appender(db(), config, &live);
  ASSERT_TRUE(appender.submit(batch(1, 10)).get().ok());
  // Key 1 again, same entity and time: the admission forgot it, the log did not.
  auto r = appender.submit(batch(1, 1)).get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcomes[0], EventOutcome::kDuplicate);
  EXPECT_EQ(logged(), 10);
  // The writer resynchronised with the stream: new events still go through
  // and the live state equals a replay of the log.
  auto more = appender.submit(batch(100, 5, kT0 + seconds(60))).get();
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->stored, 5);
  stream::StreamState rebuilt(config);
  store::EventStore log(db());
  ASSERT_TRUE(stream::replay_event_log(log, *types_, rebuilt).ok());
  EXPECT_TRUE(rebuilt == live.state);
}

TEST_P(EventAppenderTest, AFailedCommitLosesNothingAndARetryIsNotTakenForADuplicate) {
  LiveState live(stream::StreamConfig::defaults());
  EventAppender appender(db(), stream::StreamConfig::defaults(), &live);
  ASSERT_TRUE(appender.submit(batch(1, 10)).get().ok());
  auto rename = [this](const char* from, const char* to) {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    **lease << (std::string("ALTER TABLE ") + from + " RENAME TO " + to);
  };
  rename("events", "events_away");
  auto failed = appender.submit(batch(100, 10, kT0 + seconds(30))).get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  rename("events_away", "events");
  // The client retries the same batch: stored now, not refused as a duplicate.
  auto retried = appender.submit(batch(100, 10, kT0 + seconds(30))).get();
  ASSERT_TRUE(retried.ok()) << retried.error().to_string();
  EXPECT_EQ(retried->stored, 10);
  EXPECT_EQ(logged(), 20);
  EXPECT_EQ(appender.stats().failed_commits, 1);
  stream::StreamState rebuilt(stream::StreamConfig::defaults());
  store::EventStore log(db());
  ASSERT_TRUE(stream::replay_event_log(log, *types_, rebuilt).ok());
  EXPECT_TRUE(rebuilt == live.state);
}

TEST_P(EventAppenderTest, AnswersOnlyAfterTheWalSyncThatCoversTheCommit) {
  LiveState live(stream::StreamConfig::defaults());
  EventAppender appender(db(), stream::StreamConfig::defaults(), &live);
  for (uint64_t b = 0; b < 5; ++b) {
    auto r = appender.submit(batch(1 + b * 100, 50, kT0 + seconds(static_cast<int64_t>(b)))).get();
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->stored, 50);
    // Answered: the sink already has the batch (it follows the log).
    EXPECT_EQ(live.state.counters().applied, static_cast<int64_t>((b + 1) * 50));
  }
  AppenderStats s = appender.stats();
  EXPECT_EQ(s.commits, 5);
  EXPECT_EQ(s.queued_events, 0);
  // On SQLite the writer commits at NORMAL and the flusher syncs the WAL once
  // per round (one per commit here: each answer was awaited); PostgreSQL's
  // commits are durable by themselves.
  EXPECT_EQ(s.wal_syncs, db().engine() == store::Engine::kSqlite ? 5 : 0);
  // A batch of duplicates commits nothing and needs no sync.
  ASSERT_TRUE(appender.submit(batch(1, 50, kT0)).get().ok());
  EXPECT_EQ(appender.stats().wal_syncs, s.wal_syncs);
}

TEST_P(EventAppenderTest, QueueLimitIsNamedAndEmptyBatchesAreTrivial) {
  EventAppender appender(db(), stream::StreamConfig::defaults());
  auto empty = appender.submit(AppendBatch{{}, types_, kT0}).get();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->stored, 0);
  auto too_big = appender.submit(batch(1, kMaxQueuedEvents + 1)).get();
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(logged(), 0);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventAppenderTest);

}  // namespace
}  // namespace icrm::app
