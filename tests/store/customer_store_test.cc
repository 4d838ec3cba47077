#include "store/customer_store.h"

#include <gtest/gtest.h>

#include "store/attributes.h"
#include "store/audit_log.h"
#include "store/lead_store.h"
#include "store/validation.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::count_rows;
using icrm::testing::test_time;

class CustomerStoreTest : public icrm::testing::StoreTest {
 protected:
  ManualClock clock_{test_time("2026-03-01T10:00:00Z")};
  Actor admin() { return Actor::user(admin_id_); }
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    admin_id_ = add_user(db(), "admin@example.com", "admin");
  }
  Customer draft(std::string name, std::optional<std::string> email = std::nullopt) {
    Customer c;
    c.name = std::move(name);
    c.email = std::move(email);
    return c;
  }
  int64_t admin_id_ = 0;
};

TEST_P(CustomerStoreTest, StoresEveryFieldAndReadsItBack) {
  CustomerStore store(db(), clock_);
  Customer c = draft("Ada Lovelace", "Ada@Example.com");
  c.external_id = "CRM-17850";
  c.phone = "+44 20 7946 0000";
  c.company = "Analytical Engines Ltd";
  c.country = "United Kingdom";
  c.status = CustomerStatus::kInactive;
  c.owner_id = admin_id_;
  c.attributes = {{"industry", "computing"}, {"seats", 40}, {"vip", true}, {"note", nullptr}};
  auto created = store.create(admin(), c);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->created_at, clock_.now());

  auto read = store.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->name, "Ada Lovelace");
  EXPECT_EQ(read->email, "Ada@Example.com");
  EXPECT_EQ(read->external_id, "CRM-17850");
  EXPECT_EQ(read->phone, "+44 20 7946 0000");
  EXPECT_EQ(read->company, "Analytical Engines Ltd");
  EXPECT_EQ(read->country, "United Kingdom");
  EXPECT_EQ(read->status, CustomerStatus::kInactive);
  EXPECT_EQ(read->owner_id, admin_id_);
  EXPECT_EQ(read->attributes, c.attributes);
  EXPECT_EQ(read->created_at, clock_.now());
  EXPECT_EQ(store.find_by_email("ada@EXAMPLE.com")->id, created->id);
  EXPECT_EQ(store.find_by_external_id("CRM-17850")->id, created->id);
}

TEST_P(CustomerStoreTest, EmailIsUniqueIgnoringCaseAndTheConflictNamesTheCustomer) {
  CustomerStore store(db(), clock_);
  auto first = store.create(admin(), draft("Ada", "ada@example.com"));
  ASSERT_TRUE(first.ok());
  auto second = store.create(admin(), draft("Impostor", "ADA@example.COM"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "email");
  EXPECT_NE(second.error().message.find("customer " + std::to_string(first->id)), std::string::npos)
      << second.error().message;
  EXPECT_EQ(count_rows(db(), "customers"), 1);
}

TEST_P(CustomerStoreTest, ExternalIdIsUnique) {
  CustomerStore store(db(), clock_);
  Customer a = draft("A");
  a.external_id = "12346";
  auto first = store.create(admin(), a);
  ASSERT_TRUE(first.ok());
  Customer b = draft("B");
  b.external_id = "12346";
  auto second = store.create(admin(), b);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "external_id");
  EXPECT_NE(second.error().message.find(std::to_string(first->id)), std::string::npos);
}

TEST_P(CustomerStoreTest, StoresQuotesAndUnicodeVerbatim) {
  CustomerStore store(db(), clock_);
  std::string name = "O'Brien \"Bob\"; DROP TABLE customers; -- Müller 東京 \\";
  auto c = store.create(admin(), draft(name));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(store.get(c->id)->name, name);
}

TEST_P(CustomerStoreTest, RefusesNulBytesAndBrokenUtf8NamingTheField) {
  CustomerStore store(db(), clock_);
  auto nul = store.create(admin(), draft(std::string("Ada\0Lovelace", 12)));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(nul.error().field, "name");
  Customer c = draft("Ada");
  c.company = std::string("Bad \xC3\x28 bytes");
  auto broken = store.create(admin(), c);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().field, "company");
  EXPECT_EQ(count_rows(db(), "customers"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log"), 0);
}

TEST_P(CustomerStoreTest, TextOnePastItsLimitIsTooLarge) {
  CustomerStore store(db(), clock_);
  EXPECT_TRUE(store.create(admin(), draft(std::string(kMaxNameLength, 'a'))).ok());
  auto one_past = store.create(admin(), draft(std::string(kMaxNameLength + 1, 'a')));
  ASSERT_FALSE(one_past.ok());
  EXPECT_EQ(one_past.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(one_past.error().field, "name");
  Customer c = draft("Ada");
  c.company = std::string(1 << 20, 'x');  // 1 MB
  auto huge = store.create(admin(), c);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(huge.error().field, "company");
}

TEST_P(CustomerStoreTest, RefusesAMissingNameAndAMalformedEmail) {
  CustomerStore store(db(), clock_);
  auto blank = store.create(admin(), draft("   "));
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().field, "name");
  auto email = store.create(admin(), draft("Ada", "not-an-address"));
  ASSERT_FALSE(email.ok());
  EXPECT_EQ(email.error().field, "email");
}

TEST_P(CustomerStoreTest, RefusesNestedAttributesNamingTheKey) {
  CustomerStore store(db(), clock_);
  Customer c = draft("Ada");
  c.attributes = {{"tier", "gold"}, {"address", boost::json::object{{"city", "London"}}}};
  auto r = store.create(admin(), c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "attributes.address");
  c.attributes = {{"tags", boost::json::array{"a", "b"}}};
  r = store.create(admin(), c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "attributes.tags");
}

TEST_P(CustomerStoreTest, AttributesOnePastTheCountLimitAreTooLarge) {
  CustomerStore store(db(), clock_);
  Customer c = draft("Ada");
  for (size_t i = 0; i < kMaxAttributes; ++i) c.attributes["k" + std::to_string(i)] = i;
  ASSERT_TRUE(store.create(admin(), c).ok());
  c.attributes["one_more"] = 1;
  auto r = store.create(admin(), c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "attributes");
}

TEST_P(CustomerStoreTest, UnknownIdsAreNotFound) {
  CustomerStore store(db(), clock_);
  EXPECT_EQ(store.get(404).error().code, ErrorCode::kNotFound);
  Customer c = draft("Ghost");
  c.id = 404;
  EXPECT_EQ(store.update(admin(), c).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.remove(admin(), 404).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.find_by_email("ghost@example.com").error().code, ErrorCode::kNotFound);
}

TEST_P(CustomerStoreTest, AnOwnerMustBeAUser) {
  CustomerStore store(db(), clock_);
  Customer c = draft("Ada");
  c.owner_id = 9999;
  auto r = store.create(admin(), c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "owner_id");
}

TEST_P(CustomerStoreTest, UpdateAuditsBeforeAndAfterInTheSameTransaction) {
  CustomerStore store(db(), clock_);
  AuditLog audit(db(), clock_);
  auto c = store.create(admin(), draft("Ada", "ada@example.com"));
  ASSERT_TRUE(c.ok());
  clock_.advance(std::chrono::hours(1));
  Customer changed = *c;
  changed.status = CustomerStatus::kChurned;
  auto updated = store.update(admin(), changed);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(updated->updated_at, clock_.now());
  EXPECT_EQ(updated->created_at, c->created_at);

  auto entries = audit.list({.filters = {{"entity", "customers"}, {"action", "update"}}});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->items.size(), 1u);
  const AuditEntry& e = entries->items[0];
  EXPECT_EQ(e.user_id, admin_id_);
  EXPECT_EQ(e.entity_id, c->id);
  EXPECT_EQ(e.before.at("status"), "active");
  EXPECT_EQ(e.after.at("status"), "churned");

  // A failed update changes nothing and audits nothing.
  auto other = store.create(admin(), draft("Other", "other@example.com"));
  ASSERT_TRUE(other.ok());
  changed.email = "OTHER@example.com";
  auto clash = store.update(admin(), changed);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store.get(c->id)->email, "ada@example.com");
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'update'"), 1);
}

TEST_P(CustomerStoreTest, SystemChangesAreAuditedWithoutAUser) {
  CustomerStore store(db(), clock_);
  ASSERT_TRUE(store.create(Actor::system(), draft("Imported")).ok());
  EXPECT_EQ(count_rows(db(), "audit_log", "user_id IS NULL AND action = 'create'"), 1);
}

TEST_P(CustomerStoreTest, RemoveIsRefusedWhileALeadRefersToTheCustomer) {
  CustomerStore customers(db(), clock_);
  LeadStore leads(db(), clock_);
  auto c = customers.create(admin(), draft("Ada", "ada@example.com"));
  ASSERT_TRUE(c.ok());
  Lead l;
  l.name = "Ada";
  l.email = "ada@example.com";
  l.status = LeadStatus::kQualified;
  auto lead = leads.create(admin(), l);
  ASSERT_TRUE(lead.ok()) << lead.error().to_string();
  ASSERT_TRUE(leads.convert(admin(), lead->id).ok());
  auto removed = customers.remove(admin(), c->id);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(customers.get(c->id).ok());

  auto lone = customers.create(admin(), draft("Lone"));
  ASSERT_TRUE(lone.ok());
  EXPECT_TRUE(customers.remove(admin(), lone->id).ok());
  EXPECT_EQ(customers.get(lone->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'delete' AND entity = 'customers'"), 1);
}

// A name stored under an older, looser limit (an old import) does not block
// a change of another field; changing the name itself meets today's limit.
TEST_P(CustomerStoreTest, AChangeDoesNotJudgeAStoredFieldItLeavesAlone) {
  CustomerStore store(db(), clock_);
  auto c = store.create(admin(), draft("Short"));
  ASSERT_TRUE(c.ok());
  std::string legacy(kMaxNameLength + 100, 'n');
  {
    auto lease = db().lease();
    **lease << "UPDATE customers SET name = :n WHERE id = :id", soci::use(legacy), soci::use(c->id);
  }
  Customer changed = *store.get(c->id);
  changed.status = CustomerStatus::kChurned;
  auto churned = store.update(admin(), changed);
  ASSERT_TRUE(churned.ok()) << churned.error().to_string();
  EXPECT_EQ(churned->name, legacy);
  EXPECT_EQ(store.get(c->id)->status, CustomerStatus::kChurned);
  changed.name = legacy + "x";
  auto longer = store.update(admin(), changed);
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.error().field, "name");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(CustomerStoreTest);

}  // namespace
}  // namespace icrm::store
