#include "ingest/event_appender.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

class EventAppenderTest : public testing::StoreTest {
 protected:
  static std::vector<store::LoggedEvent> batch(uint64_t first_key, size_t n) {
    std::vector<store::LoggedEvent> out;
    for (size_t i = 0; i < n; ++i) {
      store::LoggedEvent e;
      e.key = first_key + i;
      e.entity = "lead:" + std::to_string(i % 13);
      e.type = "email_open";
      e.ts = *parse_timestamp("2026-11-23T10:00:00Z") + std::chrono::seconds(i);
      e.received_at = e.ts;
      out.push_back(std::move(e));
    }
    return out;
  }
};

TEST_P(EventAppenderTest, ConcurrentSubmittersAreAllDurableInFewCommits) {
  store::EventStore log(db());
  int64_t acknowledged = 0;
  {
    EventAppender appender(log);
    std::vector<std::thread> threads;
    std::mutex m;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::future<Result<store::AppendResult>>> futures;
        for (int b = 0; b < 10; ++b) {
          futures.push_back(appender.submit(batch(1 + (t * 10 + b) * 1000ULL, 100)));
        }
        for (auto& f : futures) {
          Result<store::AppendResult> r = f.get();
          ASSERT_TRUE(r.ok()) << r.error().to_string();
          std::lock_guard<std::mutex> lock(m);
          acknowledged += r->stored_count;
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
  store::EventStore log(db());
  EventAppender appender(log);
  auto first = appender.submit(batch(1, 50)).get();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->stored_count, 50);
  auto again = appender.submit(batch(26, 50)).get();  // keys 26..75: half seen
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stored_count, 25);
  EXPECT_FALSE(again->stored[0]);
  EXPECT_TRUE(again->stored[25]);
  EXPECT_EQ(*log.count(), 75);
}

TEST_P(EventAppenderTest, QueueLimitIsNamedAndEmptyBatchesAreTrivial) {
  store::EventStore log(db());
  EventAppender appender(log);
  auto empty = appender.submit({}).get();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->stored_count, 0);
  auto too_big = appender.submit(batch(1, kMaxQueuedEvents + 1)).get();
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(*log.count(), 0);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventAppenderTest);

}  // namespace
}  // namespace icrm::ingest
