// Alerts, registered event types and entity lookups: the stream's small
// tables and queries, on both engines.
#include "store/alert_store.h"

#include <gtest/gtest.h>

#include "store/customer_store.h"
#include "store/entity_lookup.h"
#include "store/event_type_store.h"
#include "store/lead_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

const Timestamp kAt = *parse_timestamp("2026-11-23T10:00:00Z");

class AlertStoreTest : public testing::StoreTest {
 protected:
  AlertRecord alert(std::string kind, std::optional<std::string> entity) {
    AlertRecord a;
    a.kind = std::move(kind);
    a.entity = std::move(entity);
    if (a.entity) a.event_type = "page_view";
    a.expected = 2.25;
    a.seen = 1.0 / 3.0;
    a.sigma = 0.125;
    a.gamma = 3;
    a.message = "m";
    a.details = R"({"bucket_seconds":3600})";
    a.at = kAt;
    a.created_at = kAt + std::chrono::seconds(1);
    return a;
  }
};

TEST_P(AlertStoreTest, StoresAndListsNewestFirstWithFilters) {
  AlertStore alerts(db());
  auto first = alerts.add(alert("entity_burst", "lead:1"));
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_TRUE(alerts.add(alert("stream_spike", std::nullopt)).ok());
  ASSERT_TRUE(alerts.add(alert("entity_burst", "lead:2")).ok());
  auto all = alerts.list({});
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].entity, "lead:2");
  EXPECT_FALSE((*all)[1].entity.has_value());
  EXPECT_FALSE((*all)[1].event_type.has_value());
  const AlertRecord& a = (*all)[2];
  EXPECT_EQ(a.id, first->id);
  EXPECT_EQ(a.seen, 1.0 / 3.0);  // doubles come back exactly
  EXPECT_EQ(a.expected, 2.25);
  EXPECT_EQ(a.at, kAt);
  EXPECT_EQ(a.details, R"({"bucket_seconds":3600})");

  AlertFilter bursts;
  bursts.kind = "entity_burst";
  bursts.limit = 1;
  auto page = alerts.list(bursts);
  ASSERT_EQ(page->size(), 1u);
  bursts.before_id = (*page)[0].id;
  auto next = alerts.list(bursts);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].entity, "lead:1");
  AlertFilter newer;
  newer.after_id = first->id;
  EXPECT_EQ(alerts.list(newer)->size(), 2u);
  AlertFilter over;
  over.limit = kMaxAlertListLimit + 1;
  EXPECT_EQ(alerts.list(over).error().field, "limit");
}

// visible_to_owner keeps whole-stream alerts and those about no lead or
// about the user's own and unassigned leads.
TEST_P(AlertStoreTest, VisibleToOwnerLeavesOutAlertsAboutSomeoneElsesLeads) {
  int64_t me = testing::add_user(db(), "me@example.com");
  int64_t other = testing::add_user(db(), "other@example.com");
  auto lead = [&](std::optional<int64_t> owner) {
    return "lead:" + std::to_string(testing::add_lead(db(), owner));
  };
  std::string mine = lead(me), free = lead(std::nullopt), theirs = lead(other);
  AlertStore alerts(db());
  for (const std::optional<std::string>& entity :
       {std::optional<std::string>(mine), std::optional<std::string>(theirs),
        std::optional<std::string>(free), std::optional<std::string>("customer:3"),
        std::optional<std::string>()}) {
    ASSERT_TRUE(alerts.add(alert(entity ? "tier_change" : "stream_spike", entity)).ok());
  }
  auto entities = [&](AlertFilter f) {
    std::vector<std::string> out;
    auto rows = alerts.list(f);
    EXPECT_TRUE(rows.ok()) << rows.error().to_string();
    if (rows.ok())
      for (const auto& a : *rows) out.push_back(a.entity.value_or("stream"));
    return out;
  };
  EXPECT_EQ(entities({.visible_to_owner = me}),
            (std::vector<std::string>{"stream", "customer:3", free, mine}));
  EXPECT_EQ(entities({.kind = "tier_change", .limit = 1, .visible_to_owner = me}),
            std::vector<std::string>{"customer:3"});
  EXPECT_EQ(entities({.visible_to_owner = other}),
            (std::vector<std::string>{"stream", "customer:3", free, theirs}));
}

TEST_P(AlertStoreTest, EventTypesKeepRegistrationOrderAndRefuseDuplicates) {
  EventTypeStore types(db());
  ASSERT_TRUE(types.create("webinar", "joined a webinar", std::nullopt, kAt).ok());
  ASSERT_TRUE(types.create("trial_start", "", std::nullopt, kAt).ok());
  auto again = types.create("webinar", "", std::nullopt, kAt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto long_text =
      types.create("x", std::string(kMaxEventTypeDescriptionBytes + 1, 'd'), std::nullopt, kAt);
  EXPECT_EQ(long_text.error().field, "description");
  auto all = types.list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "webinar");
  EXPECT_EQ((*all)[0].description, "joined a webinar");
  EXPECT_EQ((*all)[1].name, "trial_start");
}

TEST_P(AlertStoreTest, EntityLookupFindsIdsAndExternalIdsInBulk) {
  ManualClock clock(kAt);
  LeadStore leads(db(), clock);
  CustomerStore customers(db(), clock);
  Lead l;
  l.name = "Ada";
  l.external_id = "crm-7";
  auto lead = leads.create(Actor::system(), l);
  ASSERT_TRUE(lead.ok()) << lead.error().to_string();
  Customer c;
  c.name = "Babbage Ltd";
  c.external_id = "17850";
  auto customer = customers.create(Actor::system(), c);
  ASSERT_TRUE(customer.ok()) << customer.error().to_string();

  EntityLookup lookup(db());
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= static_cast<int64_t>(kMaxLookupKeysPerQuery) + 10; ++i)
    ids.push_back(i + 1000);
  ids.push_back(lead->id);  // past the first chunk
  auto found = lookup.existing_ids(EntityKind::kLead, ids);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(*found, std::vector<int64_t>{lead->id});
  EXPECT_TRUE(
      lookup.existing_ids(EntityKind::kCustomer, std::vector<int64_t>{lead->id + 1000})->empty());
  std::vector<std::string> ext = {"17850", "nope", "crm-7"};
  auto by_ext = lookup.find_external_ids(EntityKind::kCustomer, ext);
  ASSERT_TRUE(by_ext.ok());
  ASSERT_EQ(by_ext->size(), 1u);
  EXPECT_EQ((*by_ext)[0], std::make_pair(std::string("17850"), customer->id));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AlertStoreTest);

}  // namespace
}  // namespace icrm::store
