// Migration 0011: the event log's text times become integer microseconds.
// The schema is built up to 0010 with the migrations' own statements, rows
// are stored the way the old writers did (format_timestamp text), then
// Database::migrate() applies 0011 and the rows must read back with exactly
// their times, on both engines.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <random>
#include <vector>

#include "store/event_store.h"
#include "tests/store/migration_test_support.h"

namespace icrm::store {
namespace {

constexpr int kTimeKeyMigration = 11;

class EventTimeMigrationTest : public testing::MigrationTest {
 protected:
  void migrate_before_time_key() { migrate_before(kTimeKeyMigration); }
};

TEST_P(EventTimeMigrationTest, ConvertsEveryStoredTimeExactly) {
  migrate_before_time_key();
  // Edges of the calendar arithmetic (the epoch, before it, leap days,
  // century years, the ends of the text's year range), then random times.
  std::vector<Timestamp> times;
  for (const char* text :
       {"1970-01-01T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z", "2000-02-29T12:34:56.789012Z",
        "1900-02-28T23:59:59.000001Z", "1900-03-01T00:00:00Z", "2100-03-01T00:00:00Z",
        "2024-12-31T23:59:59.999999Z", "2026-11-24T02:15:34.123456Z", "0000-01-01T00:00:00Z",
        "0000-02-29T00:00:00Z", "0001-03-01T06:07:08.000009Z", "9999-12-31T23:59:59.999999Z"}) {
    times.push_back(*parse_timestamp(text));
  }
  std::mt19937_64 rng(11);
  const int64_t lo = to_unix_micros(*parse_timestamp("0000-01-01T00:00:00Z"));
  const int64_t hi = to_unix_micros(*parse_timestamp("9999-12-31T23:59:59.999999Z"));
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int i = 0; i < 300; ++i) times.push_back(from_unix_micros(any(rng)));
  {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    soci::session& s = **lease;
    soci::transaction tr(s);
    for (size_t i = 0; i < times.size(); ++i) {
      // seq given, with gaps: the rebuilt table keeps every row's number.
      long long seq = 10 * (static_cast<long long>(i) + 1);
      long long key = static_cast<long long>(i) + 1;
      std::string entity = "lead:" + std::to_string(i % 7 + 1);
      std::string ts = format_timestamp(times[i]);
      std::string received = format_timestamp(times[times.size() - 1 - i]);
      int part = entity_partition(entity);
      s << "INSERT INTO events (seq, event_key, entity, type, ts, value, attrs, received_at, "
           "too_late, entity_part) VALUES (:s, :k, :e, 'page_view', :t, 1.5, '', :r, 0, :p)",
          soci::use(seq), soci::use(key), soci::use(entity), soci::use(ts), soci::use(received),
          soci::use(part);
    }
    tr.commit();
  }

  auto applied = db().migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_GE(*applied, 1);
  auto back = EventStore(db()).read_after(0, kMaxEventReadLimit);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_EQ(back->size(), times.size());
  for (size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(format_timestamp((*back)[i].ts), format_timestamp(times[i])) << i;
    EXPECT_EQ((*back)[i].received_at, times[times.size() - 1 - i]) << i;
    EXPECT_EQ((*back)[i].key, i + 1);
    EXPECT_EQ((*back)[i].seq, 10 * static_cast<int64_t>(i + 1));
  }

  // The time filter reads the integer column ([from, to), newest first).
  EventFilter epoch;
  epoch.from = *parse_timestamp("1969-12-31T23:59:59.999999Z");
  epoch.to = *parse_timestamp("1970-01-01T00:00:00.000001Z");
  auto around = EventStore(db()).list(epoch);
  ASSERT_TRUE(around.ok()) << around.error().to_string();
  ASSERT_EQ(around->size(), 2u);
  EXPECT_EQ((*around)[0].key, 2u);  // 1969-12-31T23:59:59.999999Z, stored second
  EXPECT_EQ((*around)[1].key, 1u);  // the epoch
  // The converted rows are in the new unique index: the same event appended
  // again is a duplicate; another key at the same time is not.
  LoggedEvent again = (*back)[0];
  LoggedEvent fresh = again;
  fresh.key = 999999;
  auto r = EventStore(db()).append(std::vector<LoggedEvent>{again, fresh});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->stored, (std::vector<bool>{false, true}));
  // New rows are numbered after the highest copied one.
  auto last = EventStore(db()).read_after(back->back().seq, 10);
  ASSERT_TRUE(last.ok()) << last.error().to_string();
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].key, 999999u);
  if (db().engine() == Engine::kSqlite) {
    // seq is the plain rowid now: no AUTOINCREMENT bookkeeping per insert.
    auto lease = db().lease();
    std::string sql;
    **lease << "SELECT sql FROM sqlite_master WHERE name = 'events'", soci::into(sql);
    EXPECT_EQ(sql.find("AUTOINCREMENT"), std::string::npos) << sql;
    EXPECT_NE(sql.find("seq INTEGER PRIMARY KEY"), std::string::npos) << sql;
  }
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventTimeMigrationTest);

}  // namespace
}  // namespace icrm::store
