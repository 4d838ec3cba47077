#include "store/transaction_store.h"

#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/customer_store.h"
#include "store/product_store.h"
#include "store/validation.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::count_rows;
using icrm::testing::test_time;

class TransactionStoreTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    admin_ = Actor::user(add_user(db(), "admin@example.com", "admin"));
    CustomerStore customers(db(), clock_);
    ProductStore products(db(), clock_);
    Customer c;
    c.name = "Ada";
    customer_ = customers.create(admin_, c)->id;
    c.name = "Grace";
    other_customer_ = customers.create(admin_, c)->id;
    Product p;
    p.sku = "MUG";
    p.name = "Mug";
    p.unit_price_minor = 450;
    product_ = products.create(admin_, p)->id;
    p.sku = "LAMP";
    p.name = "Lamp";
    other_product_ = products.create(admin_, p)->id;
  }
  Transaction sale(std::optional<std::string> invoice, int64_t quantity = 2, int64_t price = 450) {
    Transaction t;
    t.external_id = std::move(invoice);
    t.customer_id = customer_;
    t.product_id = product_;
    t.quantity = quantity;
    t.unit_price_minor = price;
    t.currency = "GBP";
    t.occurred_at = test_time("2026-02-14T12:30:00Z");
    return t;
  }
  ManualClock clock_{test_time("2026-03-01T10:00:00Z")};
  Actor admin_;
  int64_t customer_ = 0, other_customer_ = 0, product_ = 0, other_product_ = 0;
};

TEST_P(TransactionStoreTest, ASaleStoresItsComputedAmountAndAReturnIsNegative) {
  TransactionStore store(db(), clock_);
  Transaction t = sale("INV-536365", 6, 255);
  t.amount_minor = 999'999;  // ignored: the store computes it
  auto created = store.create(admin_, t);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto read = store.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->external_id, "INV-536365");
  EXPECT_EQ(read->line_no, 1);
  EXPECT_EQ(read->customer_id, customer_);
  EXPECT_EQ(read->product_id, product_);
  EXPECT_EQ(read->quantity, 6);
  EXPECT_EQ(read->unit_price_minor, 255);
  EXPECT_EQ(read->amount_minor, 1530);
  EXPECT_EQ(read->currency, "GBP");
  EXPECT_EQ(read->occurred_at, test_time("2026-02-14T12:30:00Z"));
  EXPECT_EQ(read->created_at, clock_.now());

  Transaction ret = sale("C536379", -2, 255);
  auto returned = store.create(admin_, ret);
  ASSERT_TRUE(returned.ok()) << returned.error().to_string();
  EXPECT_EQ(store.get(returned->id)->amount_minor, -510);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions' AND action = 'create'"), 2);
}

TEST_P(TransactionStoreTest, AnAnonymousSaleHasNoCustomer) {
  TransactionStore store(db(), clock_);
  Transaction t = sale(std::nullopt);
  t.customer_id.reset();
  auto created = store.create(Actor::system(), t);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  EXPECT_FALSE(store.get(created->id)->customer_id.has_value());
  auto anonymous = store.list({.filters = {{"customer_id", "null"}}});
  ASSERT_TRUE(anonymous.ok());
  ASSERT_EQ(anonymous->items.size(), 1u);
  EXPECT_EQ(anonymous->items[0].id, created->id);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions' AND user_id IS NULL"), 1);
}

TEST_P(TransactionStoreTest, RefusesBadNumbersAndCurrencyNamingTheFieldAndStoresNothing) {
  TransactionStore store(db(), clock_);
  struct Case {
    Transaction t;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({sale("A", 0), "quantity"});
  cases.push_back({sale("B", 1, -1), "unit_price_minor"});
  cases.push_back({sale("C", INT64_MAX / 2, 3), "quantity"});  // amount overflows
  Case line{sale("D"), "line_no"};
  line.t.line_no = 0;
  cases.push_back(line);
  for (std::string bad : {"gbp", "POUND", "", "G1P"}) {
    Case c{sale("E"), "currency"};
    c.t.currency = bad;
    cases.push_back(c);
  }
  Case when{sale("F"), "occurred_at"};
  when.t.occurred_at = kMaxRecordTime + std::chrono::microseconds(1);
  cases.push_back(when);
  for (const auto& c : cases) {
    auto r = store.create(admin_, c.t);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.field;
    EXPECT_EQ(r.error().field, c.field) << r.error().to_string();
  }
  Transaction at_limit = sale("G");
  at_limit.occurred_at = kMaxRecordTime;
  EXPECT_TRUE(store.create(admin_, at_limit).ok());
  EXPECT_EQ(count_rows(db(), "transactions"), 1);
}

TEST_P(TransactionStoreTest, HostileExternalIdsAreStoredVerbatimOrRefused) {
  TransactionStore store(db(), clock_);
  std::string quoted = "INV'1\"; DROP TABLE transactions; --";
  auto q = store.create(admin_, sale(quoted));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  EXPECT_EQ(store.get(q->id)->external_id, quoted);
  EXPECT_EQ(store.list({.filters = {{"external_id", quoted}}})->items.size(), 1u);

  EXPECT_EQ(store.create(admin_, sale(std::string("INV\0X", 5))).error().field, "external_id");
  auto huge = store.create(admin_, sale(std::string(1 << 20, 'x')));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(huge.error().field, "external_id");
  EXPECT_TRUE(store.create(admin_, sale(std::string(kMaxExternalIdLength, 'x'))).ok());
  EXPECT_EQ(store.create(admin_, sale(std::string(kMaxExternalIdLength + 1, 'x'))).error().code,
            ErrorCode::kTooLarge);
  EXPECT_EQ(count_rows(db(), "transactions"), 2);
}

TEST_P(TransactionStoreTest, AnInvoiceLineIsUniqueAndTheConflictNamesTheStoredSale) {
  TransactionStore store(db(), clock_);
  auto first = store.create(admin_, sale("INV-1"));
  ASSERT_TRUE(first.ok());
  auto again = store.create(admin_, sale("INV-1"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "external_id");
  EXPECT_NE(again.error().message.find("transaction " + std::to_string(first->id)),
            std::string::npos)
      << again.error().message;
  Transaction line2 = sale("INV-1");
  line2.line_no = 2;
  EXPECT_TRUE(store.create(admin_, line2).ok());
  // Sales without an invoice number never clash.
  EXPECT_TRUE(store.create(admin_, sale(std::nullopt)).ok());
  EXPECT_TRUE(store.create(admin_, sale(std::nullopt)).ok());
  EXPECT_EQ(count_rows(db(), "transactions"), 4);
}

TEST_P(TransactionStoreTest, UnknownCustomersAndProductsAreRefusedNamingTheField) {
  TransactionStore store(db(), clock_);
  Transaction t = sale("INV-1");
  t.customer_id = 9999;
  auto r = store.create(admin_, t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "customer_id");
  t = sale("INV-1");
  t.product_id = 9999;
  EXPECT_EQ(store.create(admin_, t).error().field, "product_id");
  EXPECT_EQ(count_rows(db(), "transactions"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions'"), 0);
}

TEST_P(TransactionStoreTest, UpdateRecomputesTheAmountAndRemoveIsAudited) {
  TransactionStore store(db(), clock_);
  AuditLog audit(db(), clock_);
  auto t = store.create(admin_, sale("INV-1", 2, 450));
  ASSERT_TRUE(t.ok());
  Transaction changed = *t;
  changed.quantity = 3;
  changed.product_id = other_product_;
  auto updated = store.update(admin_, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(updated->amount_minor, 1350);
  EXPECT_EQ(updated->created_at, t->created_at);
  EXPECT_EQ(store.get(t->id)->product_id, other_product_);
  auto entries = audit.list({.filters = {{"entity", "transactions"}, {"action", "update"}}});
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].before.at("amount_minor"), 900);
  EXPECT_EQ(entries->items[0].after.at("amount_minor"), 1350);

  // Keeping its own key is no conflict; taking another line's is.
  auto other = store.create(admin_, [&] {
    Transaction o = sale("INV-1");
    o.line_no = 2;
    return o;
  }());
  ASSERT_TRUE(other.ok());
  changed.line_no = 2;
  EXPECT_EQ(store.update(admin_, changed).error().code, ErrorCode::kConflict);
  changed.line_no = 1;
  changed.customer_id = 424242;
  EXPECT_EQ(store.update(admin_, changed).error().field, "customer_id");
  EXPECT_EQ(store.get(t->id)->customer_id, customer_);

  ASSERT_TRUE(store.remove(admin_, t->id).ok());
  EXPECT_EQ(store.get(t->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.remove(admin_, t->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions' AND action = 'delete'"), 1);
}

TEST_P(TransactionStoreTest, ListsByCustomerProductInvoiceAndTimeRange) {
  TransactionStore store(db(), clock_);
  const char* times[] = {"2026-01-05T09:00:00Z", "2026-01-20T09:00:00Z", "2026-02-03T09:00:00Z",
                         "2026-02-28T23:59:59Z"};
  for (int i = 0; i < 4; ++i) {
    Transaction t = sale("INV-" + std::to_string(i / 2));
    t.line_no = i % 2 + 1;
    t.occurred_at = test_time(times[i]);
    if (i == 3) t.customer_id = other_customer_;
    if (i == 1) t.product_id = other_product_;
    ASSERT_TRUE(store.create(admin_, t).ok());
  }
  auto newest = store.list({});
  ASSERT_TRUE(newest.ok()) << newest.error().to_string();
  ASSERT_EQ(newest->items.size(), 4u);
  EXPECT_EQ(newest->items[0].occurred_at, test_time(times[3]));  // default: -occurred_at

  EXPECT_EQ(
      store.list({.filters = {{"customer_id", std::to_string(other_customer_)}}})->items.size(),
      1u);
  EXPECT_EQ(store.list({.filters = {{"product_id", std::to_string(other_product_)}}})
                ->items.at(0)
                .occurred_at,
            test_time(times[1]));
  EXPECT_EQ(store.list({.filters = {{"external_id", "INV-1"}}})->items.size(), 2u);
  auto february = store.list(
      {.filters = {{"occurred_at_from", "2026-02-01"}, {"occurred_at_to", "2026-03-01T00:00:00Z"}},
       .sort = "occurred_at"});
  ASSERT_TRUE(february.ok());
  ASSERT_EQ(february->items.size(), 2u);
  EXPECT_EQ(february->items[0].occurred_at, test_time(times[2]));

  for (std::string bad : {"2026-02-30", "yesterday", "2026-02-01T25:00:00Z"}) {
    auto r = store.list({.filters = {{"occurred_at_from", bad}}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "occurred_at_from");
  }
  EXPECT_EQ(store.list({.filters = {{"customer_id", "Ada"}}}).error().field, "customer_id");
  EXPECT_EQ(store.list({.sort = "currency"}).error().field, "sort");
}

TEST_P(TransactionStoreTest, InsertManyStoresEveryRowInChunksAndAuditsOnce) {
  TransactionStore store(db(), clock_);
  std::vector<Transaction> rows;
  for (int i = 0; i < 25'001; ++i) {  // more than one write chunk
    Transaction t = sale("INV-" + std::to_string(i / 3), i % 5 + 1 - 2 * (i % 7 == 0) * 3, 100);
    t.line_no = i % 3 + 1;
    if (i % 4 == 0) t.customer_id.reset();
    t.occurred_at = test_time("2026-01-01T00:00:00Z") + std::chrono::minutes(i);
    rows.push_back(t);
  }
  rows[7].external_id = "O'Hara \"quoted\"\ttab\\slash";
  auto n = store.insert_many(Actor::system(), rows);
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, rows.size());
  EXPECT_EQ(count_rows(db(), "transactions"), 25'001);
  EXPECT_EQ(count_rows(db(), "transactions", "customer_id IS NULL"), 6'251);
  EXPECT_EQ(count_rows(db(), "transactions", "amount_minor <> quantity * unit_price_minor"), 0);
  auto tricky = store.list({.filters = {{"external_id", *rows[7].external_id}}});
  ASSERT_EQ(tricky->items.size(), 1u);
  EXPECT_EQ(tricky->items[0].occurred_at, rows[7].occurred_at);
  EXPECT_EQ(tricky->items[0].amount_minor, rows[7].quantity * 100);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions'"), 1);
  AuditLog audit(db(), clock_);
  auto entry = audit.list({.filters = {{"action", "bulk_insert"}}});
  ASSERT_EQ(entry->items.size(), 1u);
  EXPECT_EQ(entry->items[0].after.at("inserted"), 25'001);
  EXPECT_EQ(*store.insert_many(admin_, {}), 0u);
}

TEST_P(TransactionStoreTest, InsertManyNamesTheBadRowAndStoresNothing) {
  TransactionStore store(db(), clock_);
  std::vector<Transaction> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(sale("INV-" + std::to_string(i)));
  rows[6].currency = "eur";
  auto r = store.insert_many(admin_, rows);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "rows[6].currency");
  rows[6].currency = "EUR";
  rows[3].unit_price_minor = -10;
  EXPECT_EQ(store.insert_many(admin_, rows).error().field, "rows[3].unit_price_minor");
  rows[3].unit_price_minor = 10;
  rows[4].external_id = std::string("A\0B", 3);
  EXPECT_EQ(store.insert_many(admin_, rows).error().field, "rows[4].external_id");
  EXPECT_EQ(count_rows(db(), "transactions"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'transactions'"), 0);
}

TEST_P(TransactionStoreTest, InsertManyBlamesRepeatedKeysAndMissingLinksAndStoresNothing) {
  TransactionStore store(db(), clock_);
  auto stored = store.create(admin_, sale("INV-OLD"));
  ASSERT_TRUE(stored.ok());
  std::vector<Transaction> rows;
  for (int i = 0; i < 600; ++i) rows.push_back(sale("INV-" + std::to_string(i)));

  rows[500] = sale("INV-7");  // the same line as rows[7]
  auto twice = store.insert_many(admin_, rows);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().field, "rows[500].external_id");
  EXPECT_NE(twice.error().message.find("rows[7]"), std::string::npos) << twice.error().message;

  rows[500] = sale("INV-OLD");
  auto old = store.insert_many(admin_, rows);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kConflict);
  EXPECT_EQ(old.error().field, "rows[500].external_id");
  EXPECT_NE(old.error().message.find("transaction " + std::to_string(stored->id)),
            std::string::npos)
      << old.error().message;

  rows[500] = sale("INV-500");
  rows[550].customer_id = 777'777;
  auto customer = store.insert_many(admin_, rows);
  ASSERT_FALSE(customer.ok());
  EXPECT_EQ(customer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(customer.error().field, "rows[550].customer_id");
  rows[550].customer_id = customer_;
  rows[2].product_id = 888'888;
  EXPECT_EQ(store.insert_many(admin_, rows).error().field, "rows[2].product_id");

  EXPECT_EQ(count_rows(db(), "transactions"), 1);
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'bulk_insert'"), 0);
}

TEST_P(TransactionStoreTest, InsertManyOnePastTheRowLimitIsTooLarge) {
  TransactionStore store(db(), clock_);
  std::vector<Transaction> rows(kMaxBulkInsertRows + 1, sale(std::nullopt));
  auto r = store.insert_many(admin_, rows);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "rows");
  EXPECT_EQ(count_rows(db(), "transactions"), 0);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(TransactionStoreTest);

}  // namespace
}  // namespace icrm::store
