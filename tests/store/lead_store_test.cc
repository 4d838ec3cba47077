#include "store/lead_store.h"

#include <gtest/gtest.h>

#include <set>

#include "store/audit_log.h"
#include "store/customer_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::count_rows;
using icrm::testing::test_time;
using std::chrono::hours;

class LeadStoreTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rep_ = add_user(db(), "rep@example.com");
  }
  Lead draft(std::string name, std::optional<std::string> email = std::nullopt) {
    Lead l;
    l.name = std::move(name);
    l.email = std::move(email);
    return l;
  }
  Actor rep() { return Actor::user(rep_); }
  ManualClock clock_{test_time("2026-03-01T09:00:00Z")};
  int64_t rep_ = 0;
};

TEST(LeadTransitionsTest, OnlyTheDocumentedMovesAreLegal) {
  using S = LeadStatus;
  const S all[] = {S::kNew, S::kContacted, S::kQualified, S::kConverted, S::kLost};
  std::set<std::pair<S, S>> legal = {{S::kNew, S::kContacted},
                                     {S::kContacted, S::kQualified},
                                     {S::kContacted, S::kLost},
                                     {S::kQualified, S::kConverted},
                                     {S::kQualified, S::kLost}};
  for (S from : all) {
    for (S to : all) {
      EXPECT_EQ(is_legal_transition(from, to), legal.count({from, to}) == 1)
          << to_string(from) << " -> " << to_string(to);
    }
  }
}

TEST_P(LeadStoreTest, ANewLeadStartsNewWithItsFirstHistoryRow) {
  LeadStore leads(db(), clock_);
  Lead l = draft("Grace Hopper", "grace@navy.example");
  l.source = "web";
  l.expected_value_minor = 125000;
  l.currency = "USD";
  l.owner_id = rep_;
  l.attributes = {{"campaign", "spring"}};
  auto created = leads.create(rep(), l);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  EXPECT_EQ(created->status, LeadStatus::kNew);
  auto read = leads.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->source, "web");
  EXPECT_EQ(read->expected_value_minor, 125000);
  EXPECT_EQ(read->currency, "USD");
  EXPECT_EQ(read->attributes.at("campaign"), "spring");
  auto history = leads.history(created->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_FALSE((*history)[0].from_status.has_value());
  EXPECT_EQ((*history)[0].to_status, LeadStatus::kNew);
  EXPECT_EQ((*history)[0].user_id, rep_);
}

TEST_P(LeadStoreTest, WalksToConvertedStampingTheTimeOfEachStep) {
  LeadStore leads(db(), clock_);
  auto l = leads.create(rep(), draft("Grace", "grace@navy.example"));
  ASSERT_TRUE(l.ok());
  clock_.advance(hours(1));
  auto contacted = leads.transition(rep(), l->id, LeadStatus::kContacted);
  ASSERT_TRUE(contacted.ok()) << contacted.error().to_string();
  clock_.advance(hours(24));
  auto qualified = leads.transition(rep(), l->id, LeadStatus::kQualified);
  ASSERT_TRUE(qualified.ok());
  clock_.advance(hours(48));
  auto converted = leads.convert(rep(), l->id);
  ASSERT_TRUE(converted.ok()) << converted.error().to_string();

  auto read = leads.get(l->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, LeadStatus::kConverted);
  EXPECT_EQ(read->contacted_at, test_time("2026-03-01T10:00:00Z"));
  EXPECT_EQ(read->qualified_at, test_time("2026-03-02T10:00:00Z"));
  EXPECT_EQ(read->converted_at, test_time("2026-03-04T10:00:00Z"));
  EXPECT_FALSE(read->lost_at.has_value());
  auto history = leads.history(l->id);
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[3].from_status, LeadStatus::kQualified);
  EXPECT_EQ((*history)[3].to_status, LeadStatus::kConverted);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'leads'"), 4);
}

TEST_P(LeadStoreTest, AnIllegalTransitionIsAConflictNamingFromAndToAndChangesNothing) {
  LeadStore leads(db(), clock_);
  auto l = leads.create(rep(), draft("Grace"));
  ASSERT_TRUE(l.ok());
  auto skip = leads.transition(rep(), l->id, LeadStatus::kQualified);
  ASSERT_FALSE(skip.ok());
  EXPECT_EQ(skip.error().code, ErrorCode::kConflict);
  EXPECT_EQ(skip.error().field, "status");
  EXPECT_NE(skip.error().message.find("from new to qualified"), std::string::npos)
      << skip.error().message;
  EXPECT_EQ(leads.get(l->id)->status, LeadStatus::kNew);
  EXPECT_EQ(leads.history(l->id)->size(), 1u);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'leads'"), 1);

  EXPECT_EQ(leads.convert(rep(), l->id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(leads.transition(rep(), l->id, LeadStatus::kLost).error().code, ErrorCode::kConflict);
  EXPECT_EQ(leads.transition(rep(), l->id, LeadStatus::kNew).error().code, ErrorCode::kConflict);
  EXPECT_EQ(count_rows(db(), "customers"), 0);
}

TEST_P(LeadStoreTest, LostIsReachableFromContactedAndQualifiedAndIsFinal) {
  LeadStore leads(db(), clock_);
  auto a = leads.create(rep(), draft("A"));
  auto b = leads.create(rep(), draft("B"));
  ASSERT_TRUE(leads.transition(rep(), a->id, LeadStatus::kContacted).ok());
  ASSERT_TRUE(leads.transition(rep(), a->id, LeadStatus::kLost).ok());
  ASSERT_TRUE(leads.transition(rep(), b->id, LeadStatus::kContacted).ok());
  ASSERT_TRUE(leads.transition(rep(), b->id, LeadStatus::kQualified).ok());
  clock_.advance(hours(2));
  auto lost = leads.transition(rep(), b->id, LeadStatus::kLost);
  ASSERT_TRUE(lost.ok());
  EXPECT_EQ(lost->lost_at, clock_.now());
  auto reopen = leads.transition(rep(), b->id, LeadStatus::kContacted);
  ASSERT_FALSE(reopen.ok());
  EXPECT_NE(reopen.error().message.find("from lost to contacted"), std::string::npos);
}

TEST_P(LeadStoreTest, ConvertingLinksTheCustomerWithTheSameEmail) {
  CustomerStore customers(db(), clock_);
  LeadStore leads(db(), clock_);
  Customer c;
  c.name = "Grace Hopper";
  c.email = "grace@navy.example";
  auto existing = customers.create(rep(), c);
  ASSERT_TRUE(existing.ok());
  Lead l = draft("Grace", "GRACE@Navy.example");
  l.status = LeadStatus::kQualified;
  auto lead = leads.create(rep(), l);
  ASSERT_TRUE(lead.ok()) << lead.error().to_string();
  auto converted = leads.convert(rep(), lead->id);
  ASSERT_TRUE(converted.ok()) << converted.error().to_string();
  EXPECT_EQ(converted->customer_id, existing->id);
  EXPECT_EQ(count_rows(db(), "customers"), 1);
}

TEST_P(LeadStoreTest, ConvertingWithoutAMatchCreatesTheCustomerFromTheLead) {
  LeadStore leads(db(), clock_);
  CustomerStore customers(db(), clock_);
  Lead l = draft("Grace", "grace@navy.example");
  l.company = "US Navy";
  l.owner_id = rep_;
  l.attributes = {{"rank", "admiral"}};
  l.status = LeadStatus::kQualified;
  auto lead = leads.create(rep(), l);
  ASSERT_TRUE(lead.ok());
  auto converted = leads.convert(rep(), lead->id);
  ASSERT_TRUE(converted.ok()) << converted.error().to_string();
  ASSERT_TRUE(converted->customer_id.has_value());
  auto customer = customers.get(*converted->customer_id);
  ASSERT_TRUE(customer.ok());
  EXPECT_EQ(customer->name, "Grace");
  EXPECT_EQ(customer->email, "grace@navy.example");
  EXPECT_EQ(customer->company, "US Navy");
  EXPECT_EQ(customer->owner_id, rep_);
  EXPECT_EQ(customer->attributes.at("rank"), "admiral");
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'customers' AND action = 'create'"), 1);
}

TEST_P(LeadStoreTest, ConvertingToAnUnknownCustomerIsNotFoundAndLeavesTheLeadQualified) {
  LeadStore leads(db(), clock_);
  Lead l = draft("Grace");
  l.status = LeadStatus::kQualified;
  auto lead = leads.create(rep(), l);
  ASSERT_TRUE(lead.ok());
  auto r = leads.convert(rep(), lead->id, 777);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().field, "customer_id");
  EXPECT_EQ(leads.get(lead->id)->status, LeadStatus::kQualified);
  EXPECT_EQ(leads.history(lead->id)->size(), 1u);
}

TEST_P(LeadStoreTest, UpdateAppliesAStatusChangeByTheSameRules) {
  LeadStore leads(db(), clock_);
  auto l = leads.create(rep(), draft("Grace"));
  ASSERT_TRUE(l.ok());
  Lead changed = *l;
  changed.company = "US Navy";
  changed.status = LeadStatus::kContacted;
  auto updated = leads.update(rep(), changed);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(updated->company, "US Navy");
  EXPECT_EQ(updated->status, LeadStatus::kContacted);
  EXPECT_EQ(updated->contacted_at, clock_.now());
  changed = *updated;
  changed.name = "Renamed";
  changed.status = LeadStatus::kConverted;  // skips qualified
  auto illegal = leads.update(rep(), changed);
  ASSERT_FALSE(illegal.ok());
  EXPECT_EQ(illegal.error().code, ErrorCode::kConflict);
  EXPECT_EQ(leads.get(l->id)->name, "Grace");  // the whole update rolled back
}

TEST_P(LeadStoreTest, ExternalIdIsUniqueAndValuesAreChecked) {
  LeadStore leads(db(), clock_);
  Lead l = draft("A");
  l.external_id = "L-1";
  auto first = leads.create(rep(), l);
  ASSERT_TRUE(first.ok());
  auto dup = leads.create(rep(), l);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_NE(dup.error().message.find("lead " + std::to_string(first->id)), std::string::npos);

  Lead negative = draft("B");
  negative.expected_value_minor = -1;
  EXPECT_EQ(leads.create(rep(), negative).error().field, "expected_value_minor");
  Lead currency = draft("C");
  currency.currency = "euro";
  EXPECT_EQ(leads.create(rep(), currency).error().field, "currency");
  Lead converted = draft("D");
  converted.status = LeadStatus::kConverted;
  EXPECT_EQ(leads.create(rep(), converted).error().field, "status");
  Lead nested = draft("E");
  nested.attributes = {{"x", boost::json::array{1}}};
  EXPECT_EQ(leads.create(rep(), nested).error().field, "attributes.x");
}

TEST_P(LeadStoreTest, UnknownIdsAreNotFound) {
  LeadStore leads(db(), clock_);
  EXPECT_EQ(leads.get(5).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(leads.transition(rep(), 5, LeadStatus::kContacted).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(leads.history(5).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(leads.remove(rep(), 5).error().code, ErrorCode::kNotFound);
}

TEST_P(LeadStoreTest, RemoveTakesTheHistoryAlongAndIsAudited) {
  LeadStore leads(db(), clock_);
  auto l = leads.create(rep(), draft("A"));
  ASSERT_TRUE(leads.transition(rep(), l->id, LeadStatus::kContacted).ok());
  ASSERT_TRUE(leads.remove(rep(), l->id).ok());
  EXPECT_EQ(count_rows(db(), "lead_status_changes"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'delete' AND entity = 'leads'"), 1);
}

TEST_P(LeadStoreTest, ARepSeesOwnAndUnassignedLeads) {
  LeadStore leads(db(), clock_);
  int64_t other = add_user(db(), "other@example.com");
  Lead mine = draft("Mine");
  mine.owner_id = rep_;
  Lead theirs = draft("Theirs");
  theirs.owner_id = other;
  ASSERT_TRUE(leads.create(rep(), mine).ok());
  ASSERT_TRUE(leads.create(rep(), theirs).ok());
  ASSERT_TRUE(leads.create(rep(), draft("Nobody's")).ok());
  auto page = leads.list({.sort = "name", .visible_to_owner = rep_});
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].name, "Mine");
  EXPECT_EQ(page->items[1].name, "Nobody's");
  auto unassigned = leads.list({.filters = {{"owner_id", "null"}}});
  ASSERT_EQ(unassigned->items.size(), 1u);
  auto by_status = leads.list({.filters = {{"status", "new"}}});
  EXPECT_EQ(by_status->items.size(), 3u);
  auto bad_status = leads.list({.filters = {{"status", "won"}}});
  ASSERT_FALSE(bad_status.ok());
  EXPECT_EQ(bad_status.error().field, "status");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(LeadStoreTest);

}  // namespace
}  // namespace icrm::store
