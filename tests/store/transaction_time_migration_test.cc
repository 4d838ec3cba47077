// Migration 0013: a sale's text time (transactions.occurred_at) becomes
// integer microseconds (occurred_us). The schema is built up to 0012 with the
// migrations' own statements, sales are stored the way the old writers did
// (format_timestamp text), then Database::migrate() applies 0013 and every
// sale must read back with exactly its time and id, on both engines; the
// list filters, sorts and cursors and the dashboard's months read the new
// column.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <random>
#include <vector>

#include "core/clock.h"
#include "store/dashboard_store.h"
#include "store/transaction_store.h"
#include "tests/store/migration_test_support.h"

namespace icrm::store {
namespace {

constexpr int kSaleTimeMigration = 13;

class TransactionTimeMigrationTest : public testing::MigrationTest {};

TEST_P(TransactionTimeMigrationTest, ConvertsEverySaleTimeExactly) {
  migrate_before(kSaleTimeMigration);
  // Edges of the calendar arithmetic, then random times.
  std::vector<Timestamp> times;
  for (const char* text :
       {"1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00.000000Z", "2000-02-29T12:34:56.789012Z",
        "1900-03-01T00:00:00Z", "2010-12-01T08:26:00Z", "2011-12-09T12:50:00Z",
        "2026-11-24T08:00:00.000001Z", "9999-12-31T23:59:59.999999Z"}) {
    times.push_back(*parse_timestamp(text));
  }
  std::mt19937_64 rng(13);
  // (none in the dashboard check's months below)
  const int64_t lo = to_unix_micros(*parse_timestamp("1971-01-01T00:00:00Z"));
  const int64_t hi = to_unix_micros(*parse_timestamp("2100-01-01T00:00:00Z"));
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int i = 0; i < 200; ++i) times.push_back(from_unix_micros(any(rng)));
  {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    soci::session& s = **lease;
    soci::transaction tr(s);
    s << "INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'Ada', "
         "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')";
    s << "INSERT INTO products (id, sku, name, unit_price_minor, created_at, updated_at) VALUES "
         "(1, 'MUG', 'Mug', 450, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')";
    for (size_t i = 0; i < times.size(); ++i) {
      // ids given, with gaps: the rebuilt table keeps every row's id.
      long long id = 10 * (static_cast<long long>(i) + 1);
      long long line = static_cast<long long>(i) + 1;
      std::string at = format_timestamp(times[i]);
      s << "INSERT INTO transactions (id, external_id, line_no, customer_id, product_id, quantity, "
           "unit_price_minor, amount_minor, currency, occurred_at, created_at) VALUES (:i, "
           "'INV-1', "
           ":l, 1, 1, 2, 450, 900, 'EUR', :t, '2026-01-01T00:00:00.000000Z')",
          soci::use(id), soci::use(line), soci::use(at);
    }
    // The highest sale, deleted before the migration: its id stays unused.
    s << "INSERT INTO transactions (id, external_id, line_no, customer_id, product_id, quantity, "
         "unit_price_minor, amount_minor, currency, occurred_at, created_at) VALUES (100000, "
         "'INV-9', "
         "1, 1, 1, 1, 450, 450, 'EUR', '2026-01-01T00:00:00.000000Z', "
         "'2026-01-01T00:00:00.000000Z')";
    s << "DELETE FROM transactions WHERE id = 100000";
    // PostgreSQL's identity, like SQLite's AUTOINCREMENT counter, has handed
    // it out (given ids do not advance a sequence there).
    if (db().engine() == Engine::kPostgres) {
      s << "SELECT setval(pg_get_serial_sequence('transactions', 'id'), 100000)";
    }
    tr.commit();
  }

  auto applied = db().migrate();
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_GE(*applied, 1);
  ManualClock clock(*parse_timestamp("2026-11-24T09:00:00Z"));
  TransactionStore store(db(), clock);
  for (size_t i = 0; i < times.size(); ++i) {
    auto t = store.get(10 * static_cast<int64_t>(i + 1));
    ASSERT_TRUE(t.ok()) << i << ": " << t.error().to_string();
    EXPECT_EQ(format_timestamp(t->occurred_at), format_timestamp(times[i])) << i;
    EXPECT_EQ(t->line_no, static_cast<int64_t>(i + 1));
    EXPECT_EQ(t->amount_minor, 900);
  }

  // [from, to) on the integer column, still given as ISO-8601 text.
  ListQuery around;
  around.filters = {{"occurred_at_from", "1969-12-31T23:59:59.999999Z"},
                    {"occurred_at_to", "1970-01-01T00:00:00.000001Z"}};
  around.sort = "occurred_at";
  auto two = store.list(around);
  ASSERT_TRUE(two.ok()) << two.error().to_string();
  ASSERT_EQ(two->items.size(), 2u);
  EXPECT_EQ(two->items[0].id, 10);
  EXPECT_EQ(two->items[1].id, 20);
  ListQuery exact;
  exact.filters = {{"occurred_at", "2000-02-29T12:34:56.789012Z"}};
  auto one = store.list(exact);
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  ASSERT_EQ(one->items.size(), 1u);
  EXPECT_EQ(one->items[0].id, 30);
  ListQuery bad;
  bad.filters = {{"occurred_at_from", "yesterday"}};
  auto refused = store.list(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "occurred_at_from");

  // Paging newest first by time: the cursor carries the integer key.
  std::vector<Timestamp> expected = times;
  std::sort(expected.rbegin(), expected.rend());
  std::vector<Timestamp> paged;
  ListQuery page;
  page.limit = 37;
  page.sort = "-occurred_at";
  while (true) {
    auto got = store.list(page);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    for (const auto& t : got->items) paged.push_back(t.occurred_at);
    if (got->next_cursor.empty()) break;
    page.cursor = got->next_cursor;
  }
  EXPECT_EQ(paged, expected);

  // New sales are numbered after every id the old table gave out (the
  // deleted highest one included) and keep their time.
  Transaction fresh;
  fresh.external_id = "INV-2";
  fresh.customer_id = 1;
  fresh.product_id = 1;
  fresh.quantity = 1;
  fresh.unit_price_minor = 450;
  fresh.occurred_at = *parse_timestamp("1969-12-15T10:00:00Z");
  auto created = store.create(Actor::system(), fresh);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  EXPECT_GT(created->id, 100000);
  EXPECT_EQ(store.get(created->id)->occurred_at, fresh.occurred_at);

  // The dashboard's months, from the integer column on each engine: the last
  // microsecond of 1969 and the one in mid-December are December's.
  KpiQuery period;
  period.from = "1969-12-01";
  period.to = "1970-02-01";
  auto kpis = DashboardStore(db()).kpis(period);
  ASSERT_TRUE(kpis.ok()) << kpis.error().to_string();
  std::vector<std::pair<std::string, int64_t>> months;
  for (const auto& m : kpis->revenue_by_month) months.emplace_back(m.month, m.lines);
  EXPECT_EQ(months, (std::vector<std::pair<std::string, int64_t>>{{"1969-12", 2}, {"1970-01", 1}}));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(TransactionTimeMigrationTest);

}  // namespace
}  // namespace icrm::store
