#include "store/product_store.h"

#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/transaction_store.h"
#include "store/validation.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::count_rows;
using icrm::testing::test_time;

class ProductStoreTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    admin_ = Actor::user(add_user(db(), "admin@example.com", "admin"));
  }
  static Product draft(std::string sku, std::string name, int64_t price = 1999) {
    Product p;
    p.sku = std::move(sku);
    p.name = std::move(name);
    p.unit_price_minor = price;
    return p;
  }
  ManualClock clock_{test_time("2026-03-01T10:00:00Z")};
  Actor admin_;
};

TEST_P(ProductStoreTest, StoresEveryFieldAndFindsItBySku) {
  ProductStore store(db(), clock_);
  Product p = draft("  85123A ", "White hanging heart T-light holder", 255);
  p.category = "Home decor";
  p.currency = "GBP";
  auto created = store.create(admin_, p);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto read = store.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->sku, "85123A");  // blanks trimmed
  EXPECT_EQ(read->name, "White hanging heart T-light holder");
  EXPECT_EQ(read->category, "Home decor");
  EXPECT_EQ(read->unit_price_minor, 255);
  EXPECT_EQ(read->currency, "GBP");
  EXPECT_EQ(read->created_at, clock_.now());
  EXPECT_EQ(store.find_by_sku("85123A")->id, created->id);
  EXPECT_EQ(store.find_by_sku("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'products' AND action = 'create'"), 1);
}

TEST_P(ProductStoreTest, ADuplicateSkuIsAConflictNamingTheExistingProduct) {
  ProductStore store(db(), clock_);
  auto first = store.create(admin_, draft("SKU-1", "First"));
  ASSERT_TRUE(first.ok());
  auto second = store.create(admin_, draft("SKU-1", "Second"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "sku");
  EXPECT_NE(second.error().message.find("product " + std::to_string(first->id)), std::string::npos)
      << second.error().message;

  auto other = store.create(admin_, draft("SKU-2", "Other"));
  ASSERT_TRUE(other.ok());
  Product renamed = *other;
  renamed.sku = "SKU-1";
  auto clash = store.update(admin_, renamed);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store.get(other->id)->sku, "SKU-2");
  EXPECT_EQ(count_rows(db(), "products"), 2);
}

TEST_P(ProductStoreTest, RefusesANegativePriceAndABadCurrencyNamingTheField) {
  ProductStore store(db(), clock_);
  auto negative = store.create(admin_, draft("NEG", "Negative", -1));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(negative.error().field, "unit_price_minor");
  EXPECT_TRUE(store.create(admin_, draft("FREE", "A free sample", 0)).ok());
  for (std::string bad : {"eur", "EURO", "", "E1R", "€"}) {
    Product p = draft("CUR", "Currency");
    p.currency = bad;
    auto r = store.create(admin_, p);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "currency") << bad;
  }
  EXPECT_EQ(count_rows(db(), "products"), 1);
}

TEST_P(ProductStoreTest, HostileTextIsStoredVerbatimOrRefusedNamingTheField) {
  ProductStore store(db(), clock_);
  std::string quoted = "Bob's \"best\" mug'); DELETE FROM products; --";
  auto q = store.create(admin_, draft("Q'1", quoted));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  EXPECT_EQ(store.get(q->id)->name, quoted);
  EXPECT_EQ(store.find_by_sku("Q'1")->id, q->id);

  auto nul = store.create(admin_, draft(std::string("A\0B", 3), "Nul"));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().field, "sku");
  Product huge = draft("HUGE", "Huge");
  huge.category = std::string(1 << 20, 'c');
  auto r = store.create(admin_, huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "category");

  EXPECT_TRUE(store.create(admin_, draft(std::string(kMaxSkuLength, 's'), "At the limit")).ok());
  auto past = store.create(admin_, draft(std::string(kMaxSkuLength + 1, 's'), "Past it"));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(past.error().field, "sku");
  EXPECT_TRUE(store.create(admin_, draft("NAME", std::string(kMaxNameLength, 'n'))).ok());
  EXPECT_EQ(
      store.create(admin_, draft("NAME2", std::string(kMaxNameLength + 1, 'n'))).error().field,
      "name");
  EXPECT_EQ(store.create(admin_, draft("BLANK", "  ")).error().field, "name");
  EXPECT_EQ(count_rows(db(), "products"), 3);
}

TEST_P(ProductStoreTest, UpdateAuditsBeforeAndAfter) {
  ProductStore store(db(), clock_);
  AuditLog audit(db(), clock_);
  auto p = store.create(admin_, draft("MUG", "Mug", 500));
  ASSERT_TRUE(p.ok());
  clock_.advance(std::chrono::hours(2));
  Product changed = *p;
  changed.unit_price_minor = 650;
  auto updated = store.update(admin_, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(updated->updated_at, clock_.now());
  EXPECT_EQ(updated->created_at, p->created_at);
  EXPECT_EQ(store.get(p->id)->unit_price_minor, 650);
  auto entries = audit.list({.filters = {{"entity", "products"}, {"action", "update"}}});
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].before.at("unit_price_minor"), 500);
  EXPECT_EQ(entries->items[0].after.at("unit_price_minor"), 650);
  EXPECT_EQ(entries->items[0].user_id, admin_.user_id);

  changed.unit_price_minor = -5;
  EXPECT_EQ(store.update(admin_, changed).error().field, "unit_price_minor");
  changed.id = 404;
  changed.unit_price_minor = 1;
  EXPECT_EQ(store.update(admin_, changed).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'update'"), 1);
}

TEST_P(ProductStoreTest, RemoveIsRefusedWhileASaleRefersToTheProduct) {
  ProductStore products(db(), clock_);
  TransactionStore sales(db(), clock_);
  auto sold = products.create(admin_, draft("SOLD", "Sold"));
  auto unsold = products.create(admin_, draft("UNSOLD", "Unsold"));
  ASSERT_TRUE(sold.ok() && unsold.ok());
  Transaction t;
  t.product_id = sold->id;
  t.quantity = 1;
  t.unit_price_minor = 100;
  t.occurred_at = clock_.now();
  ASSERT_TRUE(sales.create(admin_, t).ok());
  auto refused = products.remove(admin_, sold->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(products.get(sold->id).ok());
  EXPECT_TRUE(products.remove(admin_, unsold->id).ok());
  EXPECT_EQ(products.get(unsold->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(products.remove(admin_, unsold->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'products' AND action = 'delete'"), 1);
}

TEST_P(ProductStoreTest, ListsByCategoryAndPriceRangeAndSearchesSkuAndName) {
  ProductStore store(db(), clock_);
  for (auto [sku, name, category, price] :
       {std::tuple{"A1", "Red mug", "Kitchen", 300}, std::tuple{"A2", "Blue mug", "Kitchen", 500},
        std::tuple{"B1", "Lamp", "Lighting", 2500}, std::tuple{"B2", "Candle", "Lighting", 150}}) {
    Product p = draft(sku, name, price);
    p.category = category;
    ASSERT_TRUE(store.create(admin_, p).ok());
  }
  auto kitchen = store.list({.filters = {{"category", "Kitchen"}}});
  ASSERT_TRUE(kitchen.ok()) << kitchen.error().to_string();
  ASSERT_EQ(kitchen->items.size(), 2u);
  EXPECT_EQ(kitchen->items[0].name, "Blue mug");  // default sort: name
  auto mid =
      store.list({.filters = {{"unit_price_minor_from", "200"}, {"unit_price_minor_to", "2500"}},
                  .sort = "-unit_price_minor"});
  ASSERT_TRUE(mid.ok());
  ASSERT_EQ(mid->items.size(), 2u);
  EXPECT_EQ(mid->items[0].sku, "A2");
  EXPECT_EQ(mid->items[1].sku, "A1");
  EXPECT_EQ(store.list({.q = "MUG"})->items.size(), 2u);
  EXPECT_EQ(store.list({.q = "b1"})->items.at(0).name, "Lamp");
  // Paging by price one at a time visits every product once.
  std::vector<std::string> seen;
  ListQuery q{.limit = 1, .sort = "unit_price_minor"};
  do {
    auto page = store.list(q);
    ASSERT_TRUE(page.ok());
    seen.push_back(page->items.at(0).sku);
    q.cursor = page->next_cursor;
  } while (!q.cursor.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"B2", "A1", "A2", "B1"}));
  auto bad = store.list({.filters = {{"unit_price_minor_from", "cheap"}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "unit_price_minor_from");
  EXPECT_EQ(store.list({.visible_to_owner = 1}).error().code, ErrorCode::kInvalidArgument);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ProductStoreTest);

}  // namespace
}  // namespace icrm::store
