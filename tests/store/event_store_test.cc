#include "store/event_store.h"

#include <gtest/gtest.h>

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

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventStoreTest);

}  // namespace
}  // namespace icrm::store
