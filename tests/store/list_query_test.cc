// ListQuery as every repository applies it, exercised through customers.
#include "store/list_query.h"

#include <gtest/gtest.h>

#include <set>

#include "store/customer_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::test_time;

class ListQueryTest : public icrm::testing::StoreTest {
 protected:
  ManualClock clock_{test_time("2026-03-01T10:00:00Z")};
  int64_t add(CustomerStore& store, std::string name, std::optional<std::string> company = {},
              std::optional<int64_t> owner = {}) {
    Customer c;
    c.name = std::move(name);
    c.company = std::move(company);
    c.owner_id = owner;
    clock_.advance(std::chrono::seconds(1));
    auto r = store.create(Actor::system(), c);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? r->id : 0;
  }
  std::vector<std::string> names(const Page<Customer>& page) {
    std::vector<std::string> out;
    for (const auto& c : page.items) out.push_back(c.name);
    return out;
  }
};

TEST_P(ListQueryTest, PagesWithACursorNeverRepeatOrSkip) {
  CustomerStore store(db(), clock_);
  for (int i = 0; i < 7; ++i) add(store, "C" + std::to_string(i));
  std::vector<std::string> seen;
  ListQuery q{.limit = 3, .sort = "created_at"};
  int pages = 0;
  do {
    auto page = store.list(q);
    ASSERT_TRUE(page.ok()) << page.error().to_string();
    for (auto& n : names(*page)) seen.push_back(n);
    q.cursor = page->next_cursor;
    ++pages;
    // A record added while paging, at the far end, shows up at the end.
    if (pages == 1) add(store, "Late");
  } while (!q.cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"C0", "C1", "C2", "C3", "C4", "C5", "C6", "Late"}));
}

TEST_P(ListQueryTest, SortsByAnAllowedFieldEitherWayWithTiesBrokenById) {
  CustomerStore store(db(), clock_);
  add(store, "bob");
  add(store, "Alice");
  add(store, "carol");
  add(store, "alice");
  auto asc = store.list({.sort = "name"});
  ASSERT_TRUE(asc.ok());
  EXPECT_EQ(names(*asc), (std::vector<std::string>{"Alice", "alice", "bob", "carol"}));
  auto desc = store.list({.sort = "-name"});
  EXPECT_EQ(names(*desc), (std::vector<std::string>{"carol", "bob", "alice", "Alice"}));
  // Paging one at a time through the tie gives the same order.
  std::vector<std::string> one_by_one;
  ListQuery q{.limit = 1, .sort = "-name"};
  do {
    auto page = store.list(q);
    ASSERT_TRUE(page.ok());
    one_by_one.push_back(page->items.at(0).name);
    q.cursor = page->next_cursor;
  } while (!q.cursor.empty());
  EXPECT_EQ(one_by_one, names(*desc));
}

TEST_P(ListQueryTest, SortingByANullableFieldPagesThroughEveryRow) {
  CustomerStore store(db(), clock_);
  add(store, "a", "Zeta");
  add(store, "b");
  add(store, "c", "Alpha");
  add(store, "d");
  std::vector<std::string> seen;
  ListQuery q{.limit = 1, .sort = "company"};
  do {
    auto page = store.list(q);
    ASSERT_TRUE(page.ok()) << page.error().to_string();
    seen.push_back(page->items.at(0).name);
    q.cursor = page->next_cursor;
  } while (!q.cursor.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "d", "c", "a"}));
}

TEST_P(ListQueryTest, SearchIsCaseInsensitiveOverNameEmailAndCompanyAndTakesWildcardsLiterally) {
  CustomerStore store(db(), clock_);
  add(store, "Ada Lovelace", "Engines Ltd");
  add(store, "Grace", "ENGINES Inc");
  add(store, "Percent", "100% Sales");
  add(store, "Plain", "100 Sales");
  auto page = store.list({.q = "engines", .sort = "name"});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(names(*page), (std::vector<std::string>{"Ada Lovelace", "Grace"}));
  EXPECT_EQ(names(*store.list({.q = "LOVE"})), std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(names(*store.list({.q = "100%"})), std::vector<std::string>{"Percent"});
  EXPECT_TRUE(store.list({.q = "_"})->items.empty());
  EXPECT_TRUE(store.list({.q = "'; DROP TABLE customers; --"})->items.empty());
}

TEST_P(ListQueryTest, FiltersOnFieldsAndTimeBounds) {
  CustomerStore store(db(), clock_);
  int64_t owner = add_user(db(), "rep@example.com");
  add(store, "Early", std::nullopt, owner);  // 10:00:01
  add(store, "Middle");                      // 10:00:02
  add(store, "Late", std::nullopt, owner);   // 10:00:03
  auto owned = store.list({.filters = {{"owner_id", std::to_string(owner)}}, .sort = "name"});
  ASSERT_TRUE(owned.ok());
  EXPECT_EQ(names(*owned), (std::vector<std::string>{"Early", "Late"}));
  auto window = store.list({.filters = {{"created_at_from", "2026-03-01T10:00:02Z"},
                                        {"created_at_to", "2026-03-01T10:00:03Z"}}});
  ASSERT_TRUE(window.ok()) << window.error().to_string();
  EXPECT_EQ(names(*window), std::vector<std::string>{"Middle"});
  auto visible = store.list({.sort = "name", .visible_to_owner = owner + 1});
  EXPECT_EQ(names(*visible), std::vector<std::string>{"Middle"});
}

TEST_P(ListQueryTest, BadInputIsInvalidNamingTheField) {
  CustomerStore store(db(), clock_);
  add(store, "A");
  add(store, "B");
  auto expect_invalid = [&](const ListQuery& q, const std::string& field) {
    auto r = store.list(q);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << field;
    EXPECT_EQ(r.error().field, field) << r.error().message;
  };
  expect_invalid({.sort = "password_hash"}, "sort");
  expect_invalid({.sort = "-"}, "sort");
  expect_invalid({.filters = {{"password_hash", "x"}}}, "password_hash");
  expect_invalid({.filters = {{"name_from", "x"}}}, "name_from");
  expect_invalid({.filters = {{"status", "asleep"}}}, "status");
  expect_invalid({.filters = {{"owner_id", "seven"}}}, "owner_id");
  expect_invalid({.filters = {{"created_at_from", "yesterday"}}}, "created_at_from");
  expect_invalid({.filters = {{"created_at_to", "2026-02-30"}}}, "created_at_to");
  expect_invalid({.cursor = "not-a-cursor!"}, "cursor");
  expect_invalid({.cursor = "eyJzIjoxfQ"}, "cursor");  // valid base64url, wrong content
  expect_invalid({.cursor = std::string(kMaxCursorLength + 1, 'A')}, "cursor");
  expect_invalid({.limit = 0}, "limit");
  expect_invalid({.limit = kMaxListLimit + 1}, "limit");
  EXPECT_TRUE(store.list({.limit = kMaxListLimit}).ok());
  EXPECT_EQ(store.list({.q = std::string(kMaxSearchLength + 1, 'a')}).error().field, "q");

  // A cursor only continues the sort it was made for.
  auto first = store.list({.limit = 1, .sort = "name"});
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  expect_invalid({.limit = 1, .cursor = first->next_cursor, .sort = "-name"}, "cursor");
  auto second = store.list({.limit = 1, .cursor = first->next_cursor, .sort = "name"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(names(*second), std::vector<std::string>{"B"});
  EXPECT_TRUE(second->next_cursor.empty());
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ListQueryTest);

}  // namespace
}  // namespace icrm::store
