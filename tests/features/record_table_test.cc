// The CRM's records as training and scoring rows, on both engines: labels,
// point-in-time features (nothing after a lead's outcome leaks into its row),
// events named by id or external id, flattened attributes, the churn cutoff,
// and the fixed column list scoring asks for.
#include "features/record_table.h"

#include <gtest/gtest.h>

#include "store/customer_store.h"
#include "store/event_store.h"
#include "store/lead_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::features {
namespace {

using icrm::testing::test_time;
using std::chrono::days;
using std::chrono::hours;

class RecordTableTest : public icrm::testing::StoreTest {
 protected:
  store::LoggedEvent event(std::string entity, const char* type, Timestamp ts, uint64_t key,
                           bool too_late = false) {
    store::LoggedEvent e;
    e.key = key;
    e.entity = std::move(entity);
    e.type = type;
    e.ts = ts;
    e.received_at = ts;
    e.too_late = too_late;
    return e;
  }
  void message(int64_t lead, const char* direction, Timestamp at, std::optional<int64_t> response) {
    auto lease = db().lease();
    std::string dir = direction, when = format_timestamp(at);
    long long id = lead, seconds = response.value_or(0);
    soci::indicator ind = response ? soci::i_ok : soci::i_null;
    **lease << "INSERT INTO communications (lead_id, direction, channel, occurred_at, "
               "response_seconds, "
               "created_at) VALUES (:l, :d, 'email', :o, :r, :c)",
        soci::use(id), soci::use(dir), soci::use(when), soci::use(seconds, ind), soci::use(when);
  }
  static std::string cell(const RecordRows& rows, int64_t id, const std::string& column) {
    int c = rows.table.find(column);
    if (c < 0) return "<no column " + column + ">";
    for (std::size_t r = 0; r < rows.ids.size(); ++r)
      if (rows.ids[r] == id) return rows.table.cells[static_cast<std::size_t>(c)][r];
    return "<no row>";
  }

  ManualClock clock_{test_time("2026-03-01T09:00:00Z")};
};

TEST_P(RecordTableTest, LeadRowsUseOnlyWhatHappenedBeforeTheOutcome) {
  store::LeadStore leads(db(), clock_);
  store::Lead won;
  won.name = "Won";
  won.external_id = "W-1";
  won.source = "referral";
  won.expected_value_minor = 250000;
  won.attributes = {{"employees", 40}, {"trial", true}, {"region", "north"}};
  auto w = leads.create(store::Actor::system(), won);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  store::Lead open;
  open.name = "Open";
  open.source = "web";
  open.attributes = {{"employees", 5}};
  auto o = leads.create(store::Actor::system(), open);
  ASSERT_TRUE(o.ok());
  const Timestamp t0 = clock_.now();
  message(w->id, "in", t0 + hours(1), std::nullopt);
  message(w->id, "out", t0 + hours(3), 7200);
  // Win the lead on day 3.
  clock_.set(t0 + days(1));
  ASSERT_TRUE(leads.transition(store::Actor::system(), w->id, store::LeadStatus::kContacted).ok());
  clock_.set(t0 + days(2));
  ASSERT_TRUE(leads.transition(store::Actor::system(), w->id, store::LeadStatus::kQualified).ok());
  clock_.set(t0 + days(3));
  ASSERT_TRUE(leads.convert(store::Actor::system(), w->id).ok());
  const Timestamp outcome = clock_.now();
  // After the outcome: more messages and page views that must not count.
  message(w->id, "out", outcome + hours(5), std::nullopt);
  store::EventStore log(db());
  std::vector<store::LoggedEvent> events = {
      event("lead:" + std::to_string(w->id), "page_view", outcome - hours(30), 1),
      event("lead:ext:W-1", "page_view", outcome - hours(2), 2),  // by external id
      event("lead:" + std::to_string(w->id), "page_view", outcome - hours(1), 3, /*too_late=*/true),
      event("lead:" + std::to_string(w->id), "page_view", outcome + hours(2), 4),
      event("lead:" + std::to_string(o->id), "page_view", outcome + hours(6), 5),
      event("lead:999999", "page_view", outcome, 6),  // no such lead
  };
  ASSERT_TRUE(log.append(events).ok());

  RecordTableOptions opt;
  opt.entity = "leads";
  opt.target = "converted";
  opt.now = outcome + days(10);
  auto table = build_record_table(db(), opt);
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  ASSERT_EQ(table->labelled.ids, std::vector<int64_t>{w->id});
  ASSERT_EQ(table->open.ids, std::vector<int64_t>{o->id});
  EXPECT_EQ(table->labelled.as_of[0], outcome);
  EXPECT_EQ(cell(table->labelled, w->id, "converted"), "1");
  EXPECT_EQ(cell(table->open, o->id, "converted"), "");
  EXPECT_EQ(cell(table->labelled, w->id, "source"), "referral");
  EXPECT_EQ(cell(table->labelled, w->id, "expected_value"), "2500");
  EXPECT_EQ(cell(table->labelled, w->id, "attr.employees"), "40");
  EXPECT_EQ(cell(table->labelled, w->id, "attr.trial"), "true");
  EXPECT_EQ(cell(table->open, o->id, "attr.trial"), "");
  // History: the message after the outcome does not count.
  EXPECT_EQ(cell(table->labelled, w->id, "messages_out"), "1");
  EXPECT_EQ(cell(table->labelled, w->id, "first_response_hours"), "2");
  // Events: two before the outcome (one named by external id); the one stored
  // too late, the one after the outcome and the unknown lead's are left out.
  EXPECT_EQ(cell(table->labelled, w->id, "counts_7d_page_view"), "2");
  EXPECT_EQ(cell(table->labelled, w->id, "counts_1h_page_view"), "0");
  EXPECT_EQ(table->events_skipped, 2u);
  // The open lead is seen as of when the data ends (its page view), not the
  // clock ten days later.
  EXPECT_EQ(table->observed_at, outcome + hours(6) + std::chrono::microseconds(1));
  EXPECT_EQ(cell(table->open, o->id, "counts_1h_page_view"), "1");
  EXPECT_EQ(table->kinds.at("owner"), ColumnKind::kCategorical);

  // Scoring asks for the model's columns: present ones as they are, one the
  // records no longer have comes back empty, in the order asked.
  opt.columns = {"attr.gone", "source", "counts_7d_page_view"};
  opt.open_only = true;
  auto scoring = build_record_table(db(), opt);
  ASSERT_TRUE(scoring.ok()) << scoring.error().to_string();
  EXPECT_EQ(scoring->labelled.table.rows, 0u);
  EXPECT_EQ(scoring->open.table.columns, opt.columns);
  EXPECT_EQ(cell(scoring->open, o->id, "attr.gone"), "");
  EXPECT_EQ(cell(scoring->open, o->id, "source"), "web");
  EXPECT_EQ(cell(scoring->open, o->id, "counts_7d_page_view"), "1");
}

TEST_P(RecordTableTest, ChurnRowsAreTheCustomersThereAtTheCutoff) {
  store::CustomerStore customers(db(), clock_);
  auto make = [&](const char* name, store::CustomerStatus status) {
    store::Customer c;
    c.name = name;
    c.attributes = {{"plan", "basic"}};
    auto created = customers.create(store::Actor::system(), c);
    EXPECT_TRUE(created.ok());
    if (status != store::CustomerStatus::kActive) {
      created->status = status;
      EXPECT_TRUE(customers.update(store::Actor::system(), *created).ok());
    }
    return created->id;
  };
  const Timestamp start = clock_.now();
  int64_t early = make("early churner", store::CustomerStatus::kActive);
  int64_t stays = make("stays", store::CustomerStatus::kActive);
  clock_.set(start + days(20));
  // Churns 20 days after the data begins: before the cutoff (day 130 - 90).
  ASSERT_TRUE([&] {
    auto c = customers.get(early);
    c->status = store::CustomerStatus::kChurned;
    return customers.update(store::Actor::system(), *c).ok();
  }());
  clock_.set(start + days(30));
  int64_t late = make("late churner", store::CustomerStatus::kActive);
  clock_.set(start + days(100));
  ASSERT_TRUE([&] {
    auto c = customers.get(late);
    c->status = store::CustomerStatus::kChurned;
    return customers.update(store::Actor::system(), *c).ok();
  }());
  clock_.set(start + days(129));
  int64_t fresh = make("new after the cutoff", store::CustomerStatus::kActive);
  clock_.set(start + days(130));
  ASSERT_TRUE([&] {  // an edit that leaves the status alone: the data ends here
    auto c = customers.get(stays);
    c->phone = "+49 30 1";
    return customers.update(store::Actor::system(), *c).ok();
  }());

  RecordTableOptions opt;
  opt.entity = "customers";
  opt.target = "churned";
  opt.now = start + days(200);
  auto table = build_record_table(db(), opt);
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table->cutoff, table->observed_at - days(90));
  // early churned before the cutoff and fresh came after it: no training rows.
  EXPECT_EQ(table->labelled.ids, (std::vector<int64_t>{stays, late}));
  EXPECT_EQ(cell(table->labelled, stays, "churned"), "0");
  EXPECT_EQ(cell(table->labelled, late, "churned"), "1");
  for (Timestamp t : table->labelled.as_of) EXPECT_EQ(t, table->cutoff);
  EXPECT_EQ(table->positives, 1u);
  // Scored: everyone not churned, as of when the data ends.
  EXPECT_EQ(table->open.ids, (std::vector<int64_t>{stays, fresh}));
  EXPECT_EQ(cell(table->open, fresh, "attr.plan"), "basic");
}

TEST_P(RecordTableTest, UnknownEntityOrTargetIsRefused) {
  RecordTableOptions opt;
  opt.entity = "deals";
  opt.target = "won";
  EXPECT_EQ(build_record_table(db(), opt).error().field, "entity");
  opt.entity = "leads";
  EXPECT_EQ(build_record_table(db(), opt).error().field, "target");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(RecordTableTest);

}  // namespace
}  // namespace icrm::features
