#include "store/bulk_writer.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::count_rows;

constexpr const char* kAt = "2026-01-02T03:04:05.000000Z";

class BulkWriterTest : public icrm::testing::StoreTest {
 protected:
  std::unique_ptr<BulkWriter> writer() {
    auto w = BulkWriter::open(db());
    EXPECT_TRUE(w) << w.error().to_string();
    return std::move(*w);
  }
  // Every index of `transactions` and, on PostgreSQL, every foreign key, as
  // "name: definition", sorted.
  std::vector<std::string> schema_of_transactions() {
    auto lease = db().lease();
    std::vector<std::string> out(64);
    if (db().engine() == Engine::kSqlite) {
      **lease << "SELECT name || ': ' || COALESCE(sql, '(constraint)') FROM sqlite_master "
                 "WHERE type = 'index' AND tbl_name = 'transactions' ORDER BY 1",
          soci::into(out);
    } else {
      **lease << "SELECT d FROM (SELECT indexname || ': ' || indexdef AS d FROM pg_indexes "
                 "WHERE schemaname = current_schema() AND tablename = 'transactions' UNION ALL "
                 "SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conrelid = 'transactions'::regclass AND contype = 'f') s ORDER BY 1",
          soci::into(out);
    }
    return out;
  }
  static TransactionRow line(std::string invoice, std::optional<int64_t> product) {
    TransactionRow r;
    r.external_id = std::move(invoice);
    r.product_id = product;
    r.quantity = 2;
    r.unit_price_minor = 150;
    r.amount_minor = 300;
    r.occurred_us = to_unix_micros(*parse_timestamp(kAt));
    r.created_at = kAt;
    return r;
  }
};

TEST_P(BulkWriterTest, InsertsManyProductsAndCustomersAndReturnsEachOnesIdInOrder) {
  // More than one statement's worth, and a last statement with fewer rows.
  const std::size_t n = kRowsPerMultiInsert + 45;
  std::vector<ProductRow> products(n);
  std::vector<CustomerRow> customers(n);
  for (std::size_t i = 0; i < n; ++i) {
    products[i].sku = "SKU-" + std::to_string(n - i);  // not in the order of the ids
    products[i].name = "Product " + std::to_string(i);
    products[i].unit_price_minor = static_cast<int64_t>(i);
    products[i].created_at = products[i].updated_at = kAt;
    customers[i].external_id = "C" + std::to_string(n - i);
    customers[i].name = "Customer " + std::to_string(i);
    customers[i].created_at = customers[i].updated_at = kAt;
  }
  auto w = writer();
  ASSERT_TRUE(w->begin());
  auto product_ids = w->insert_products(products);
  auto customer_ids = w->insert_customers(customers);
  ASSERT_TRUE(product_ids) << product_ids.error().to_string();
  ASSERT_TRUE(customer_ids) << customer_ids.error().to_string();
  ASSERT_TRUE(w->commit());
  ASSERT_EQ(product_ids->size(), n);
  ASSERT_EQ(customer_ids->size(), n);
  KeyIndex skus, externals;
  ASSERT_TRUE(w->read_keys(KeyColumn::kProductSku, skus));
  ASSERT_TRUE(w->read_keys(KeyColumn::kCustomerExternalId, externals));
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ((*product_ids)[i], skus.at(products[i].sku)) << i;
    EXPECT_EQ((*customer_ids)[i], externals.at(*customers[i].external_id)) << i;
  }
  // Nothing at all is a valid batch.
  ASSERT_TRUE(w->begin());
  EXPECT_TRUE(w->insert_products({})->empty());
  ASSERT_TRUE(w->commit());
}

TEST_P(BulkWriterTest, AManyRowInsertThatBreaksAUniqueKeyFailsWithoutIds) {
  std::vector<ProductRow> products(2);
  for (auto& p : products) {
    p.sku = "SAME";
    p.name = "Twice";
    p.created_at = p.updated_at = kAt;
  }
  auto w = writer();
  ASSERT_TRUE(w->begin());
  auto ids = w->insert_products(products);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(w->rollback());
  EXPECT_EQ(count_rows(db(), "products"), 0);
}

TEST_P(BulkWriterTest, DefersTheIndexesOfAnEmptyTableAndRebuildsThemAsTheyWere) {
  const auto before = schema_of_transactions();
  auto w = writer();
  ASSERT_TRUE(w->begin());
  auto deferred = w->defer_indexes("transactions");
  ASSERT_TRUE(deferred) << deferred.error().to_string();
  // customer, product and time indexes; PostgreSQL's two foreign keys too.
  EXPECT_EQ(*deferred, db().engine() == Engine::kSqlite ? 3u : 5u);
  auto product = w->insert_products(
      std::vector<ProductRow>{{.sku = "P", .name = "P", .created_at = kAt, .updated_at = kAt}});
  ASSERT_TRUE(product);
  std::vector<TransactionRow> lines = {line("INV-1", product->at(0)),
                                       line("INV-2", product->at(0))};
  ASSERT_TRUE(w->insert_transactions(lines));
  ASSERT_TRUE(w->rebuild_deferred());
  ASSERT_TRUE(w->commit());
  EXPECT_EQ(schema_of_transactions(), before);
  EXPECT_EQ(count_rows(db(), "transactions", "product_id = " + std::to_string(product->at(0))), 2);

  // With rows in the table, nothing is deferred.
  ASSERT_TRUE(w->begin());
  deferred = w->defer_indexes("transactions");
  ASSERT_TRUE(deferred);
  EXPECT_EQ(*deferred, 0u);
  ASSERT_TRUE(w->commit());
  EXPECT_EQ(schema_of_transactions(), before);
}

TEST_P(BulkWriterTest, ALoadRolledBackBeforeTheRebuildLeavesEveryIndex) {
  const auto before = schema_of_transactions();
  {
    auto w = writer();
    ASSERT_TRUE(w->begin());
    auto deferred = w->defer_indexes("transactions");
    ASSERT_TRUE(deferred);
    EXPECT_GT(*deferred, 0u);
    ASSERT_TRUE(w->insert_transactions(std::vector<TransactionRow>{line("INV-1", std::nullopt)}));
    ASSERT_TRUE(w->rollback());
  }
  EXPECT_EQ(schema_of_transactions(), before);
  {
    auto w = writer();  // dropped with the writer, the transaction rolls back too
    ASSERT_TRUE(w->begin());
    ASSERT_TRUE(w->defer_indexes("transactions"));
  }
  EXPECT_EQ(schema_of_transactions(), before);
  EXPECT_EQ(count_rows(db(), "transactions"), 0);
}

TEST_P(BulkWriterTest, DefersNothingWhenAnotherSessionHoldsATableItWouldLock) {
  if (db().engine() == Engine::kSqlite)
    GTEST_SKIP() << "SQLite drops under the writer's own write lock";
  const auto before = schema_of_transactions();
  auto reader = db().lease();
  ASSERT_TRUE(reader);
  long long n = -1;
  **reader << "BEGIN";
  **reader << "SELECT COUNT(*) FROM customers", soci::into(n);  // holds its lock until ROLLBACK
  {
    auto w = writer();
    ASSERT_TRUE(w->begin());
    auto deferred = w->defer_indexes("transactions");  // waits out the lock timeout
    ASSERT_TRUE(deferred) << deferred.error().to_string();
    EXPECT_EQ(*deferred, 0u);
    // The transaction goes on, with every index kept.
    ASSERT_TRUE(w->insert_transactions(std::vector<TransactionRow>{line("INV-1", std::nullopt)}));
    ASSERT_TRUE(w->rebuild_deferred());
    ASSERT_TRUE(w->commit());
  }
  **reader << "ROLLBACK";
  EXPECT_EQ(schema_of_transactions(), before);
  EXPECT_EQ(count_rows(db(), "transactions"), 1);
}

TEST_P(BulkWriterTest, HandsItsConnectionBackWithTemporaryStorageOnFilesAgain) {
  // A writer keeps statement journals in memory (temp_store = MEMORY) while
  // it holds the connection; the pool's next user gets SQLite's default.
  if (db().engine() != Engine::kSqlite) GTEST_SKIP() << "a SQLite pragma";
  std::string dir = ::testing::TempDir() + "bulk-temp-" + std::to_string(::getpid());
  auto alone = Database::open({.url = "sqlite:" + dir + "/temp.db", .pool_size = 1});
  ASSERT_TRUE(alone) << alone.error().to_string();
  ASSERT_TRUE((*alone)->migrate());
  {
    auto w = BulkWriter::open(**alone);
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->begin());
    ASSERT_TRUE(
        (*w)->insert_transactions(std::vector<TransactionRow>{line("INV-1", std::nullopt)}));
    ASSERT_TRUE((*w)->commit());
  }
  long long temp_store = -1;
  **(*alone)->lease() << "PRAGMA temp_store", soci::into(temp_store);
  EXPECT_EQ(temp_store, 0);
  EXPECT_EQ(count_rows(**alone, "transactions"), 1);
  alone->reset();
  std::filesystem::remove_all(dir);
}

TEST_P(BulkWriterTest, TakesTheRollbackJournalOnlyWithTheFileToItself) {
  // The fixture's database keeps several connections open (and, on SQLite,
  // a checkpointer's): the switch is refused at once and the load stays in WAL.
  {
    auto w = writer();
    auto switched = w->use_rollback_journal("transactions");
    ASSERT_TRUE(switched) << switched.error().to_string();
    EXPECT_FALSE(*switched);
    ASSERT_TRUE(w->set_sync_commits(false));
    ASSERT_TRUE(w->begin());
    ASSERT_TRUE(w->insert_transactions(std::vector<TransactionRow>{line("INV-1", std::nullopt)}));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_EQ(count_rows(db(), "transactions"), 1);
  if (db().engine() != Engine::kSqlite) return;
  std::string mode;
  **db().lease() << "PRAGMA journal_mode", soci::into(mode);
  EXPECT_EQ(mode, "wal");

  // Alone on a file of its own (one connection, no checkpointer): switched
  // while the table is empty, back to WAL at the end; not with rows stored.
  std::string dir = ::testing::TempDir() + "bulk-journal-" + std::to_string(::getpid());
  std::string url = "sqlite:" + dir + "/alone.db";
  for (bool with_rows : {false, true}) {
    auto alone = Database::open({.url = url, .pool_size = 1, .sqlite_checkpoint_thread = false});
    ASSERT_TRUE(alone) << alone.error().to_string();
    ASSERT_TRUE((*alone)->migrate());
    {
      auto w = BulkWriter::open(**alone);
      ASSERT_TRUE(w);
      auto switched = (*w)->use_rollback_journal("transactions");
      ASSERT_TRUE(switched) << switched.error().to_string();
      EXPECT_EQ(*switched, !with_rows) << "rows stored: " << with_rows;
      ASSERT_TRUE((*w)->set_sync_commits(false));  // ignored with the rollback journal
      ASSERT_TRUE((*w)->begin());
      ASSERT_TRUE((*w)->insert_transactions(
          std::vector<TransactionRow>{line(with_rows ? "INV-3" : "INV-2", std::nullopt)}));
      ASSERT_TRUE((*w)->commit());
      ASSERT_TRUE((*w)->end_rollback_journal());
    }
    std::string after;
    long long sync = 0;
    **(*alone)->lease() << "PRAGMA journal_mode", soci::into(after);
    **(*alone)->lease() << "PRAGMA synchronous", soci::into(sync);
    EXPECT_EQ(after, "wal");
    EXPECT_EQ(sync, 2);  // FULL, as the pool had it
    EXPECT_EQ(count_rows(**alone, "transactions"), with_rows ? 2 : 1);
  }
  std::filesystem::remove_all(dir);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(BulkWriterTest);

}  // namespace
}  // namespace icrm::store
