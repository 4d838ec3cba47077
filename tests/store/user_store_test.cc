#include "store/user_store.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <thread>

#include "store/audit_log.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

const Actor kSys = Actor::system();

class UserStoreTest : public testing::StoreTest {
 protected:
  ManualClock clock_{sys_days{std::chrono::year{2026} / 11 / 23} + 9h};
  UserStore users() { return UserStore(db(), clock_); }
  NewUser ada() { return {"Ada@Example.com", "Ada Lovelace", Role::kManager, "$argon2id$fake"}; }
};

TEST_P(UserStoreTest, CreatesAndReadsBack) {
  auto created = users().create(kSys, ada());
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "Ada@Example.com");
  EXPECT_EQ(created->role, Role::kManager);
  EXPECT_FALSE(created->disabled);
  EXPECT_EQ(created->created_at, clock_.now());

  auto by_id = users().get(created->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, "Ada Lovelace");
  EXPECT_EQ(by_id->password_hash, "$argon2id$fake");
  auto by_email = users().get_by_email("ada@EXAMPLE.com");
  ASSERT_TRUE(by_email.ok()) << by_email.error().to_string();
  EXPECT_EQ(by_email->id, created->id);
}

TEST_P(UserStoreTest, DuplicateEmailInAnyCaseNamesTheExistingUser) {
  auto first = users().create(kSys, ada());
  ASSERT_TRUE(first.ok());
  NewUser again = ada();
  again.email = "ADA@example.COM";
  auto second = users().create(kSys, again);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "email");
  EXPECT_NE(second.error().message.find("id " + std::to_string(first->id)), std::string::npos)
      << second.error().message;
  auto all = users().list();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

TEST_P(UserStoreTest, ConcurrentDuplicatesLeaveOneUser) {
  auto other = Database::open({.url = db_url()});
  ASSERT_TRUE(other.ok());
  UserStore a(db(), clock_), b(**other, clock_);
  Result<User> ra = Error::internal("unset"), rb = Error::internal("unset");
  std::thread ta([&] { ra = a.create(kSys, ada()); });
  std::thread tb([&] { rb = b.create(kSys, ada()); });
  ta.join();
  tb.join();
  EXPECT_NE(ra.ok(), rb.ok());
  const Result<User>& loser = ra.ok() ? rb : ra;
  ASSERT_FALSE(loser.ok());
  EXPECT_EQ(loser.error().code, ErrorCode::kConflict) << loser.error().to_string();
  EXPECT_EQ(*users().count(), 1);
}

TEST_P(UserStoreTest, RejectsBadFieldsNamingEach) {
  auto r = users().create(kSys, {"not-an-email", "", Role::kRep, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(r.error().details.size(), 3u);
  EXPECT_EQ(r.error().details[0].field, "email");
  EXPECT_EQ(r.error().details[1].field, "name");
  EXPECT_EQ(r.error().details[2].field, "password_hash");
  EXPECT_EQ(*users().count(), 0);
}

TEST_P(UserStoreTest, EmailAndNameLimitsOnePastTheEdge) {
  std::string domain = "@example.com";
  NewUser u = ada();
  u.email = std::string(kMaxEmailLength - domain.size(), 'a') + domain;
  EXPECT_TRUE(users().create(kSys, u).ok());
  u.email = std::string(kMaxEmailLength + 1 - domain.size(), 'b') + domain;
  EXPECT_FALSE(users().create(kSys, u).ok());

  u = ada();
  u.email = "n@example.com";
  u.name = std::string(kMaxUserNameLength + 1, 'n');
  auto r = users().create(kSys, u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "name");
  u.name.pop_back();
  EXPECT_TRUE(users().create(kSys, u).ok());
}

TEST_P(UserStoreTest, StoresQuotesAndUnicodeVerbatim) {
  NewUser u = ada();
  u.name = "O'Brien \"Bobby\"; DROP TABLE users; -- Zoë 名前";
  auto r = users().create(kSys, u);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(users().get(r->id)->name, u.name);
  u.email = "x@example.com";
  u.name = std::string("nul\0byte", 8);
  EXPECT_FALSE(users().create(kSys, u).ok());
}

TEST_P(UserStoreTest, DisableRoleAndPasswordUpdates) {
  auto u = users().create(kSys, ada());
  ASSERT_TRUE(u.ok());
  clock_.advance(1h);
  ASSERT_TRUE(users().set_disabled(kSys, u->id, true).ok());
  auto changed = users().update(
      Actor::user(u->id), u->id,
      {.name = "Ada King", .role = Role::kViewer, .password_hash = "$argon2id$other"});
  ASSERT_TRUE(changed.ok()) << changed.error().to_string();
  auto after = users().get(u->id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->disabled);
  EXPECT_EQ(after->name, "Ada King");
  EXPECT_EQ(after->role, Role::kViewer);
  EXPECT_EQ(after->password_hash, "$argon2id$other");
  EXPECT_EQ(after->updated_at, clock_.now());
  EXPECT_EQ(after->created_at, clock_.now() - 1h);
  ASSERT_TRUE(users().set_disabled(kSys, u->id, false).ok());
  EXPECT_FALSE(users().get(u->id)->disabled);
}

TEST_P(UserStoreTest, EveryChangeIsAuditedWithoutThePasswordHash) {
  auto u = users().create(kSys, ada());
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(
      users().update(Actor::user(u->id), u->id, {.password_hash = "$argon2id$secret"}).ok());
  AuditLog log(db(), clock_);
  auto entries = log.list({.filters = {{"entity", "users"}}});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->items.size(), 2u);
  EXPECT_EQ(entries->items[0].action, "update");
  EXPECT_EQ(entries->items[0].user_id, u->id);
  EXPECT_EQ(entries->items[1].action, "create");
  EXPECT_FALSE(entries->items[1].user_id.has_value());
  for (const auto& e : entries->items) {
    std::string text = boost::json::serialize(e.before) + boost::json::serialize(e.after);
    EXPECT_EQ(text.find("argon2id"), std::string::npos) << text;
  }
  EXPECT_TRUE(entries->items[0].after.as_object().at("password_changed").as_bool());
}

TEST_P(UserStoreTest, TheLastEnabledAdminCannotBeDemotedOrDisabled) {
  NewUser root = ada();
  root.role = Role::kAdmin;
  auto a = users().create(kSys, root);
  ASSERT_TRUE(a.ok());
  auto demoted = users().update(kSys, a->id, {.role = Role::kManager});
  ASSERT_FALSE(demoted.ok());
  EXPECT_EQ(demoted.error().code, ErrorCode::kConflict);
  EXPECT_EQ(demoted.error().field, "role");
  EXPECT_EQ(users().set_disabled(kSys, a->id, true).error().field, "disabled");
  root.email = "second@example.com";
  auto b = users().create(kSys, root);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(users().set_disabled(kSys, a->id, true).ok());
  EXPECT_EQ(users().update(kSys, b->id, {.role = Role::kRep}).error().code, ErrorCode::kConflict);
}

TEST_P(UserStoreTest, MissingUsersAreNotFound) {
  EXPECT_EQ(users().get(42).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(users().get_by_email("nobody@example.com").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(users().set_disabled(kSys, 42, true).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(users().update(kSys, 42, {.role = Role::kAdmin}).error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, ListsAPageSortedAndFiltered) {
  for (const char* e : {"c@example.com", "a@example.com", "b@example.com"}) {
    NewUser u = ada();
    u.email = e;
    u.role = e[0] == 'a' ? Role::kRep : Role::kViewer;
    ASSERT_TRUE(users().create(kSys, u).ok());
  }
  auto page = users().list(ListQuery{.limit = 2, .sort = "email"});
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].email, "a@example.com");
  EXPECT_FALSE(page->next_cursor.empty());
  auto reps = users().list(ListQuery{.filters = {{"role", "rep"}}});
  ASSERT_TRUE(reps.ok());
  ASSERT_EQ(reps->items.size(), 1u);
  EXPECT_EQ(reps->items[0].email, "a@example.com");
  EXPECT_EQ(users().list(ListQuery{.filters = {{"password_hash", "x"}}}).error().field,
            "password_hash");
}

TEST_P(UserStoreTest, ListsOldestFirst) {
  for (const char* e : {"c@example.com", "a@example.com", "b@example.com"}) {
    NewUser u = ada();
    u.email = e;
    ASSERT_TRUE(users().create(kSys, u).ok());
  }
  auto all = users().list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].email, "c@example.com");
  EXPECT_EQ((*all)[2].email, "b@example.com");
}

TEST(RoleTest, ParsesEveryNameAndRejectsOthers) {
  for (Role r : kAllRoles) EXPECT_EQ(*parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("Admin").ok());
  EXPECT_FALSE(parse_role("").ok());
  EXPECT_EQ(parse_role("root").error().field, "role");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(UserStoreTest);

}  // namespace
}  // namespace icrm::store
