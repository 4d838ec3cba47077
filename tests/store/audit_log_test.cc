#include "store/audit_log.h"

#include <gtest/gtest.h>

#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::test_time;

class AuditLogTest : public icrm::testing::StoreTest {
 protected:
  ManualClock clock_{test_time("2026-03-01T10:00:00Z")};
};

TEST_P(AuditLogTest, AppendsAndListsNewestFirstWithFilters) {
  AuditLog audit(db(), clock_);
  auto a = audit.append(Actor::user(7), "login", "users", 7, nullptr, nullptr);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  clock_.advance(std::chrono::minutes(1));
  boost::json::object before{{"name", "Old"}};
  boost::json::object after{{"name", "New \"quoted\""}};
  auto b = audit.append(Actor::system(), "update", "customers", 3, before, after);
  ASSERT_TRUE(b.ok());

  auto all = audit.list({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].id, *b);
  const AuditEntry& e = all->items[0];
  EXPECT_FALSE(e.user_id.has_value());
  EXPECT_EQ(e.action, "update");
  EXPECT_EQ(e.entity, "customers");
  EXPECT_EQ(e.entity_id, 3);
  EXPECT_EQ(e.at, clock_.now());
  EXPECT_EQ(e.before, boost::json::value(before));
  EXPECT_EQ(e.after, boost::json::value(after));
  EXPECT_TRUE(all->items[1].before.is_null());

  auto users = audit.list({.filters = {{"user_id", "7"}}});
  ASSERT_EQ(users->items.size(), 1u);
  EXPECT_EQ(users->items[0].action, "login");
  auto window = audit.list({.filters = {{"at_from", "2026-03-01T10:00:30Z"}}});
  ASSERT_EQ(window->items.size(), 1u);
  EXPECT_EQ(window->items[0].entity, "customers");
  auto oldest = audit.list({.limit = 1, .sort = "id"});
  EXPECT_EQ(oldest->items.at(0).id, *a);
  EXPECT_FALSE(oldest->next_cursor.empty());
}

TEST_P(AuditLogTest, RefusesAnEmptyOrOversizedActionOrEntity) {
  AuditLog audit(db(), clock_);
  EXPECT_EQ(audit.append(Actor::system(), "", "customers", 1, nullptr, nullptr).error().field,
            "action");
  auto r = audit.append(Actor::system(), "x", std::string(kMaxAuditEntityLength + 1, 'e'), 1,
                        nullptr, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "entity");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuditLogTest);

}  // namespace
}  // namespace icrm::store
