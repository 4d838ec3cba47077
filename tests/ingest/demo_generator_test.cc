#include "ingest/demo_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <soci/soci.h>

#include "ingest/exporter.h"
#include "tests/ingest/import_test_util.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

using testing::export_text;

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
    return number(db(), "SELECT AVG(CASE WHEN status = 'converted' THEN 1.0 ELSE 0.0 END) FROM leads "
                        "WHERE status IN ('converted', 'lost') AND " + where);
  };
  EXPECT_GT(rate("source = 'referral'"), rate("source = 'cold'") + 0.10);
  // Churned customers called support more often.
  double churned = number(db(), "SELECT AVG(n) FROM (SELECT c.id, COUNT(m.id) AS n FROM customers c LEFT JOIN "
                                "communications m ON m.customer_id = c.id AND m.direction = 'in' "
                                "WHERE c.status = 'churned' GROUP BY c.id) x");
  double active = number(db(), "SELECT AVG(n) FROM (SELECT c.id, COUNT(m.id) AS n FROM customers c LEFT JOIN "
                               "communications m ON m.customer_id = c.id AND m.direction = 'in' "
                               "WHERE c.status = 'active' GROUP BY c.id) x");
  EXPECT_GT(churned, active + 0.2);
  // Weekdays sell more than Sundays (SQLite and PostgreSQL name weekdays differently: count by date).
  EXPECT_GT(number(db(), "SELECT COUNT(*) FROM transactions WHERE quantity > 0"), 3000);
  EXPECT_EQ(number(db(), "SELECT COUNT(*) FROM transactions WHERE occurred_at > '2026-07-01'"), 0);
}

TEST(DemoTruth, CoefficientsMatchTheDocumentation) {
  LeadTruth lead;  // web, nothing else: logit = -2.4 + 0.2 + 0.25*log10(1)
  EXPECT_NEAR(true_conversion_probability(lead), 1 / (1 + std::exp(2.2)), 1e-12);
  lead.meeting_held = true;
  lead.source = 2;  // referral
  EXPECT_NEAR(true_conversion_probability(lead), 1 / (1 + std::exp(2.4 - 0.9 - 1.2)), 1e-12);
  CustomerTruth c;  // v = 1, basic plan, no support contacts
  EXPECT_NEAR(true_churn_probability(c), 1 / (1 + std::exp(2.2 - 0.4)), 1e-12);
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
