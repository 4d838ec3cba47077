#include "ingest/demo_generator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cmath>

#include "ingest/exporter.h"
#include "store/event_store.h"
#include "stream/log_replay.h"
#include "stream/stream_state.h"
#include "tests/ingest/import_test_util.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

using testing::export_text;
using testing::micros_text;

class DemoTest : public icrm::testing::StoreTest {
 protected:
  DemoOptions small(std::uint64_t seed) {
    DemoOptions o;
    o.seed = seed;
    o.customers = 300;
    o.leads = 400;
    o.transactions = 800;
    o.days = 120;
    o.end = *parse_timestamp("2026-06-30");
    return o;
  }
  // The whole log as text, in arrival order.
  std::string event_log(store::Database& d) {
    auto l = d.lease();
    std::string out, entity, type, attrs;
    double value = 0;
    long long key = 0, ts = 0;
    soci::statement st =
        ((**l).prepare
             << "SELECT event_key, entity, type, ts_us, value, attrs FROM events ORDER BY seq",
         soci::into(key), soci::into(entity), soci::into(type), soci::into(ts), soci::into(value),
         soci::into(attrs));
    st.execute();
    while (st.fetch())
      out += fmt::format("{} {} {} {} {} {}\n", key, entity, type, ts, value, attrs);
    return out;
  }
  double number(store::Database& d, const std::string& sql) {
    auto l = d.lease();
    double v = 0;
    soci::indicator ind;
    **l << sql, soci::into(v, ind);
    return v;
  }
};

TEST_P(DemoTest, SameSeedSameDataOtherSeedOtherData) {
  auto counts = generate_demo(db(), small(7));
  ASSERT_TRUE(counts) << counts.error().to_string();
  EXPECT_EQ(counts->customers, 300u);
  EXPECT_EQ(counts->leads, 400u);
  EXPECT_EQ(counts->transactions, 800u);
  EXPECT_EQ(counts->products, 24u);
  EXPECT_GT(counts->communications, 400u);
  EXPECT_GT(counts->activities, 100u);
  EXPECT_GT(counts->events, 2000u);
  EXPECT_EQ(number(db(), "SELECT COUNT(*) FROM events"), static_cast<double>(counts->events));

  std::string why;
  auto same = icrm::testing::TestDatabase::create(GetParam(), &why);
  ASSERT_TRUE(same) << why;
  ASSERT_TRUE(generate_demo(same->db(), small(7)));
  auto other = icrm::testing::TestDatabase::create(GetParam(), &why);
  ASSERT_TRUE(other) << why;
  ASSERT_TRUE(generate_demo(other->db(), small(8)));
  for (auto kind : {RecordKind::kCustomers, RecordKind::kLeads, RecordKind::kTransactions,
                    RecordKind::kCommunications, RecordKind::kActivities}) {
    EXPECT_EQ(export_text(db(), kind), export_text(same->db(), kind));
    EXPECT_NE(export_text(db(), kind), export_text(other->db(), kind));
  }
  EXPECT_EQ(event_log(db()), event_log(same->db()));
  EXPECT_NE(event_log(db()), event_log(other->db()));
  // A second run on the same database is refused rather than doubling the data.
  auto again = generate_demo(db(), small(7));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_P(DemoTest, TheHiddenProcessLeavesALearnableSignal) {
  DemoOptions o = small(11);
  o.customers = 2000;
  o.leads = 3000;
  o.transactions = 4000;
  o.days = 365;
  ASSERT_TRUE(generate_demo(db(), o));
  auto rate = [&](const std::string& where) {
    return number(db(),
                  "SELECT AVG(CASE WHEN status = 'converted' THEN 1.0 ELSE 0.0 END) FROM leads "
                  "WHERE status IN ('converted', 'lost') AND " +
                      where);
  };
  EXPECT_GT(rate("source = 'referral'"), rate("source = 'cold'") + 0.10);
  // Churned customers called support more often.
  double churned =
      number(db(),
             "SELECT AVG(n) FROM (SELECT c.id, COUNT(m.id) AS n FROM customers c LEFT JOIN "
             "communications m ON m.customer_id = c.id AND m.direction = 'in' "
             "WHERE c.status = 'churned' GROUP BY c.id) x");
  double active =
      number(db(),
             "SELECT AVG(n) FROM (SELECT c.id, COUNT(m.id) AS n FROM customers c LEFT JOIN "
             "communications m ON m.customer_id = c.id AND m.direction = 'in' "
             "WHERE c.status = 'active' GROUP BY c.id) x");
  EXPECT_GT(churned, active + 0.2);
  // Weekdays sell more than Sundays (SQLite and PostgreSQL name weekdays differently: count by
  // date).
  EXPECT_GT(number(db(), "SELECT COUNT(*) FROM transactions WHERE quantity > 0"), 3000);
  EXPECT_EQ(number(db(), "SELECT COUNT(*) FROM transactions WHERE occurred_us > " +
                             micros_text("2026-07-01T00:00:00Z")),
            0);
}

TEST_P(DemoTest, BehaviourEventsPrecedeTheOutcomeAndCarryItsSignal) {
  DemoOptions o = small(5);
  o.leads = 1500;
  o.days = 200;
  auto counts = generate_demo(db(), o);
  ASSERT_TRUE(counts) << counts.error().to_string();
  for (const char* type : {"page_view", "email_open", "email_click", "form_submit", "call",
                           "meeting", "support_contact", "purchase"}) {
    EXPECT_GT(number(db(), fmt::format("SELECT COUNT(*) FROM events WHERE type = '{}'", type)), 10)
        << type;
  }
  // Point-in-time: no behaviour of a decided lead comes after its decision.
  const std::string decided =
      "FROM events e JOIN leads l ON e.entity = 'lead:' || CAST(l.id AS TEXT) "
      "WHERE l.status IN ('converted', 'lost') ";
  EXPECT_GT(number(db(), "SELECT COUNT(*) " + decided), 1000);
  {
    // The log's times are integer microseconds, the leads' ISO-8601 text.
    auto l = db().lease();
    long long last_event = 0;
    std::string decided_at;
    soci::statement st =
        ((**l).prepare << "SELECT MAX(e.ts_us), COALESCE(l.converted_at, l.lost_at) " + decided +
                              "GROUP BY l.id, l.converted_at, l.lost_at",
         soci::into(last_event), soci::into(decided_at));
    st.execute();
    int leads = 0;
    while (st.fetch()) {
      ++leads;
      EXPECT_LE(from_unix_micros(last_event), *parse_timestamp(decided_at)) << decided_at;
    }
    EXPECT_GT(leads, 10);
  }
  // The signal: converted leads were busier than lost ones.
  auto per_lead = [&](const char* type, const char* status) {
    return number(db(),
                  fmt::format("SELECT AVG(COALESCE(c.n, 0)) FROM leads l LEFT JOIN "
                              "(SELECT entity, COUNT(*) AS n FROM events WHERE type = '{}' "
                              "GROUP BY entity) c ON c.entity = 'lead:' || CAST(l.id AS TEXT) "
                              "WHERE l.status = '{}'",
                              type, status));
  };
  for (const char* type : {"meeting", "email_click", "page_view", "form_submit"})
    EXPECT_GT(per_lead(type, "converted"), per_lead(type, "lost") + 0.05) << type;
  // Churned customers waited longer for support answers (response_seconds of
  // the team's replies).
  auto answer_hours = [&](const char* status) {
    return number(db(),
                  fmt::format("SELECT AVG(m.response_seconds) / 3600.0 FROM communications m "
                              "JOIN customers c ON c.id = m.customer_id WHERE m.direction = 'out' "
                              "AND c.status = '{}'",
                              status));
  };
  EXPECT_GT(answer_hours("churned"), answer_hours("active"));
  // The log is in time order, so a replay applies every event (none too late).
  store::EventStore log(db());
  ingest::EventTypeRegistry types;
  stream::StreamState state(stream::StreamConfig::defaults());
  auto replayed = stream::replay_event_log(log, types, state);
  ASSERT_TRUE(replayed) << replayed.error().to_string();
  EXPECT_EQ(replayed->rows, static_cast<int64_t>(counts->events));
  EXPECT_EQ(replayed->applied, replayed->rows);
}

TEST(DemoTruth, CoefficientsMatchTheDocumentation) {
  LeadTruth lead;  // web, nothing else: logit = -2.4 + 0.2 + 0.25*log10(1)
  EXPECT_NEAR(true_conversion_probability(lead), 1 / (1 + std::exp(2.2)), 1e-12);
  lead.meeting_held = true;
  lead.source = 2;  // referral
  EXPECT_NEAR(true_conversion_probability(lead), 1 / (1 + std::exp(2.4 - 0.9 - 1.2)), 1e-12);
  lead.email_opens = 3;
  EXPECT_NEAR(true_conversion_probability(lead), 1 / (1 + std::exp(2.4 - 0.9 - 1.2 - 0.3)), 1e-12);
  CustomerTruth c;  // v = 1, basic plan, no support contacts
  EXPECT_NEAR(true_churn_probability(c), 1 / (1 + std::exp(2.2 - 0.4)), 1e-12);
  c.support_contacts = 2;
  c.support_response_hours = 10;
  EXPECT_NEAR(true_churn_probability(c), 1 / (1 + std::exp(2.2 - 0.4 - 1.0 - 0.4)), 1e-12);
}

TEST(DemoOptionsLimits, OnePastEachLimitIsRefused) {
  DemoOptions o;
  o.customers = kMaxDemoCustomers;
  EXPECT_TRUE(validate_demo_options(o));
  o.customers = kMaxDemoCustomers + 1;
  EXPECT_FALSE(validate_demo_options(o));
  o = {};
  o.days = kMaxDemoDays + 1;
  EXPECT_FALSE(validate_demo_options(o));
  o = {};
  o.transactions = kMaxDemoTransactions + 1;
  EXPECT_FALSE(validate_demo_options(o));
  o = {};
  o.leads = kMaxDemoLeads + 1;
  EXPECT_FALSE(validate_demo_options(o));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DemoTest);

}  // namespace
}  // namespace icrm::ingest
