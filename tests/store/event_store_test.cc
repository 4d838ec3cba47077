#include "store/event_store.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/event_log_writer.h"
#include "store/wal_sync.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

class EventStoreTest : public testing::StoreTest {
 protected:
  LoggedEvent event(uint64_t key, std::string entity = "lead:1") {
    LoggedEvent e;
    e.key = key;
    e.entity = std::move(entity);
    e.type = "page_view";
    e.ts = *parse_timestamp("2026-11-23T10:00:00.123456Z");
    e.value = 2.5;
    e.attrs = R"({"url":"/pricing"})";
    e.received_at = *parse_timestamp("2026-11-23T10:00:01Z");
    return e;
  }
};

TEST_P(EventStoreTest, AppendsAndReadsBackInArrivalOrder) {
  EventStore log(db());
  std::vector<LoggedEvent> batch = {event(3), event(1, "customer:ext:17850"), event(2)};
  batch[1].too_late = true;
  batch[2].attrs = "";
  // Keys with the high bit set survive the signed column.
  batch[2].key = 0xfedcba9876543210ULL;
  auto r = log.append(batch);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stored_count, 3);
  auto back = log.read_after(0, 10);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_EQ(back->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    LoggedEvent expected = batch[i];
    expected.seq = (*back)[i].seq;
    EXPECT_EQ((*back)[i], expected) << i;
  }
  EXPECT_LT((*back)[0].seq, (*back)[1].seq);
  EXPECT_LT((*back)[1].seq, (*back)[2].seq);
  auto rest = log.read_after((*back)[1].seq, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].key, 0xfedcba9876543210ULL);
}

// Who sent an event is stored with it, on both engines' append paths (one
// row per statement on SQLite, multi-row INSERTs on PostgreSQL), and none
// stays none.
TEST_P(EventStoreTest, TheSubmitterIsStoredWithEachEvent) {
  int64_t user = testing::add_user(db(), "sender@example.com");
  EventStore log(db());
  std::vector<LoggedEvent> batch = {event(1), event(2), event(3)};
  batch[0].submitted_by = user;
  batch[2].submitted_by = user;
  ASSERT_TRUE(log.append(batch).ok());
  auto back = log.read_after(0, 10);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].submitted_by, user);
  EXPECT_EQ((*back)[1].submitted_by, std::nullopt);
  EXPECT_EQ((*back)[2].submitted_by, user);
  auto listed = log.list({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->front().submitted_by, user);
}

// visible_to_owner keeps the events about no lead and about the user's own
// and unassigned leads, before the limit (a page never ends on hidden rows).
TEST_P(EventStoreTest, VisibleToOwnerLeavesOutEventsAboutSomeoneElsesLeads) {
  int64_t me = testing::add_user(db(), "me@example.com");
  int64_t other = testing::add_user(db(), "other@example.com");
  auto lead = [&](std::optional<int64_t> owner) {
    return "lead:" + std::to_string(testing::add_lead(db(), owner));
  };
  std::string mine = lead(me), free = lead(std::nullopt), theirs = lead(other);
  EventStore log(db());
  ASSERT_TRUE(log.append(std::vector<LoggedEvent>{event(1, mine), event(2, theirs), event(3, free),
                                                  event(4, "customer:7"), event(5, theirs),
                                                  event(6, "visitor:ext:v")})
                  .ok());
  auto entities = [&](EventFilter f) {
    std::vector<std::string> out;
    auto rows = log.list(f);
    EXPECT_TRUE(rows.ok()) << rows.error().to_string();
    if (rows.ok())
      for (const auto& e : *rows) out.push_back(e.entity);
    return out;
  };
  EXPECT_EQ(entities({.visible_to_owner = me}),
            (std::vector<std::string>{"visitor:ext:v", "customer:7", free, mine}));
  EXPECT_EQ(entities({.limit = 2, .visible_to_owner = me}),
            (std::vector<std::string>{"visitor:ext:v", "customer:7"}));
  EXPECT_EQ(entities({.entity = theirs, .visible_to_owner = me}), std::vector<std::string>{});
  EXPECT_EQ(entities({.visible_to_owner = other}).size(), 5u);
  EXPECT_EQ(entities({}).size(), 6u);
}

TEST_P(EventStoreTest, DuplicateKeysAreSkippedNotFailed) {
  EventStore log(db());
  ASSERT_TRUE(log.append(std::vector<LoggedEvent>{event(1), event(2)}).ok());
  auto r = log.append(std::vector<LoggedEvent>{event(2), event(3), event(3)});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stored, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(r->stored_count, 1);
  EXPECT_EQ(*log.count(), 3);
}

TEST_P(EventStoreTest, ReadLimitIsNamed) {
  EventStore log(db());
  EXPECT_TRUE(log.read_after(0, kMaxEventReadLimit).ok());
  auto r = log.read_after(0, kMaxEventReadLimit + 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "limit");
}

TEST_P(EventStoreTest, AcknowledgedRowsAreSeenByAnotherConnection) {
  EventStore log(db());
  std::vector<LoggedEvent> batch;
  for (uint64_t k = 1; k <= 500; ++k) batch.push_back(event(k, "lead:" + std::to_string(k % 7)));
  ASSERT_TRUE(log.append(batch).ok());
  auto other = Database::open({.url = db_url()});
  ASSERT_TRUE(other.ok());
  EventStore again(**other);
  EXPECT_EQ(*again.count(), 500);
}

TEST_P(EventStoreTest, ListsNewestFirstByEntityTypeAndTimeWithACursor) {
  EventStore log(db());
  std::vector<LoggedEvent> batch;
  for (uint64_t k = 1; k <= 40; ++k) {
    LoggedEvent e = event(k, "lead:" + std::to_string(k % 4));
    e.type = k % 2 ? "page_view" : "email_open";
    e.ts += std::chrono::minutes(k);
    batch.push_back(e);
  }
  ASSERT_TRUE(log.append(batch).ok());
  EventFilter f;
  f.entity = "lead:1";
  f.limit = 3;
  auto page = log.list(f);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].key, 37u);  // newest first
  EXPECT_EQ((*page)[2].key, 29u);
  f.before_seq = page->back().seq;
  auto next = log.list(f);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 3u);
  EXPECT_EQ((*next)[0].key, 25u);

  EventFilter typed;
  typed.type = "email_open";
  typed.from = batch[9].ts;  // key 10
  typed.to = batch[19].ts;   // key 20, exclusive
  typed.limit = 100;
  auto by_type = log.list(typed);
  ASSERT_TRUE(by_type.ok());
  std::vector<uint64_t> keys;
  for (const auto& e : *by_type) keys.push_back(e.key);
  EXPECT_EQ(keys, (std::vector<uint64_t>{18, 16, 14, 12, 10}));

  EventFilter none;
  none.entity = "customer:9";
  EXPECT_TRUE(log.list(none)->empty());
  EventFilter bad;
  bad.limit = kMaxEventReadLimit + 1;
  EXPECT_EQ(log.list(bad).error().field, "limit");
}

TEST_P(EventStoreTest, TheSameKeyAtAnotherTimeOrForAnotherEntityIsAnotherRow) {
  // The log's identity of an event is (entity partition, ts, key): a
  // re-delivery repeats all three. The stream's dedupe memory catches a key
  // reused with other content (see stream/admission.h).
  EventStore log(db());
  LoggedEvent later = event(1);
  later.ts += std::chrono::seconds(1);
  auto r = log.append(std::vector<LoggedEvent>{event(1), later, event(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, (std::vector<bool>{true, true, false}));
}

TEST_P(EventStoreTest, ADeferredWriterNamesTheWalToSyncAndHandsBackAFullConnection) {
  const bool sqlite = db().engine() == Engine::kSqlite;
  {
    auto at_commit = EventLogWriter::open(db());
    ASSERT_TRUE(at_commit.ok()) << at_commit.error().to_string();
    EXPECT_EQ((*at_commit)->deferred_sync(), nullptr);
  }
  std::shared_ptr<const WalSync> wal;
  {
    auto deferred = EventLogWriter::open(db(), LogSync::kDeferred);
    ASSERT_TRUE(deferred.ok()) << deferred.error().to_string();
    wal = (*deferred)->deferred_sync();
    // PostgreSQL commits are durable by themselves: nothing to sync after.
    EXPECT_EQ(wal != nullptr, sqlite);
    std::vector<EventRow> rows = {{.key = 7,
                                   .entity = "lead:1",
                                   .type = "page_view",
                                   .ts = *parse_timestamp("2026-11-23T10:00:00Z"),
                                   .attrs = ""}};
    auto appended = (*deferred)->append(rows);
    ASSERT_TRUE(appended.ok()) << appended.error().to_string();
    EXPECT_EQ(appended->stored_count, 1);
    if (wal) {
      EXPECT_EQ(wal->path(), db().sqlite_path() + "-wal");
      EXPECT_TRUE(wal->sync().ok());
    }
  }
  // The sync handle outlives its writer.
  if (wal) {
    EXPECT_TRUE(wal->sync().ok());
  }
  EXPECT_EQ(*EventStore(db()).count(), 1);
  if (!sqlite) return;
  // Every pooled connection (the writer's among them) is back at FULL.
  std::vector<Database::Lease> leases;
  for (size_t i = 0; i < db().pool_size(); ++i) {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    int level = 0;
    **lease << "PRAGMA synchronous", soci::into(level);
    EXPECT_EQ(level, 2) << i;
    leases.push_back(std::move(*lease));
  }
}

TEST(WalSyncTest, SyncsAnExistingFileAndNamesAMissingOne) {
  auto dir =
      std::filesystem::temp_directory_path() / ("icrm_wal_sync_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "x.db-wal").string();
  std::filesystem::remove(path);
  auto missing = WalSync::open(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(path), std::string::npos);
  std::ofstream(path) << "frames";
  auto wal = WalSync::open(path);
  ASSERT_TRUE(wal.ok()) << wal.error().to_string();
  EXPECT_TRUE((*wal)->sync().ok());
  std::filesystem::remove_all(dir);
}

TEST(EntityPartitionTest, IsStableAndSpreadsEntities) {
  // Stored in every row: a change would strand old rows in the wrong partition.
  EXPECT_EQ(entity_partition("lead:1"), entity_partition("lead:1"));
  EXPECT_EQ(entity_partition(""), static_cast<int>(2166136261u % kEntityPartitions));
  std::vector<int> used(kEntityPartitions, 0);
  for (int i = 0; i < 6400; ++i) ++used[entity_partition("customer:" + std::to_string(i))];
  for (int n : used) EXPECT_GT(n, 50);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventStoreTest);

}  // namespace
}  // namespace icrm::store
