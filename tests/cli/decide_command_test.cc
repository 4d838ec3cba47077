// `insightcrm decide --db URL` and `eval-policy --db URL` as a user runs them,
// on both engines: a decision and its activity per open scored lead, none
// twice while a step is open, and the stored decisions with outcomes read
// back as the decision log (and exported as training labels).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/decision_store.h"
#include "store/lead_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "tests/cli/cli_runner.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm {
namespace {

class DecideCommandTest : public testing::StoreTest {};

TEST_P(DecideCommandTest, DecidesEveryOpenScoredLeadOnceAndEvalPolicyReadsTheDatabase) {
  ManualClock clock(*parse_timestamp("2026-11-23T10:00:00Z"));
  testing::add_user(db(), "rep@example.com");
  int64_t model = testing::add_lead_model(db());
  constexpr int kLeads = 20;
  for (int i = 0; i < kLeads + 1; ++i) {
    store::Lead l;
    l.name = "Lead " + std::to_string(i);
    l.expected_value_minor = 300000;
    int64_t id = store::LeadStore(db(), clock).create(store::Actor::system(), l)->id;
    if (i == kLeads) break;  // the last one is never scored: not decided
    store::ScoreRecord s{
        0,          "leads", id, model,      i / double(kLeads), i / double(2 * kLeads),
        kLeads - i, "warm",  {}, clock.now()};
    ASSERT_TRUE(store::ScoreStore(db()).record(std::span(&s, 1)).ok());
  }
  auto first = testing::run_cli({"decide", "--db", db_url(), "--seed", "3"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("20 open scored leads: 20 new decisions"), std::string::npos)
      << first.out;
  auto second = testing::run_cli({"decide", "--db", db_url(), "--seed", "3"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("0 new decisions, 20 left alone"), std::string::npos) << second.out;
  EXPECT_EQ(testing::count_rows(db(), "activities", "created_by_system = 1"), kLeads);

  auto none = testing::run_cli({"eval-policy", "--db", db_url()});
  EXPECT_NE(none.exit_code, 0) << "no outcomes yet";
  store::DecisionStore decisions(db());
  auto log = decisions.log(0, 100);
  ASSERT_EQ(log->size(), static_cast<size_t>(kLeads));
  for (size_t i = 0; i < log->size(); ++i) {
    ASSERT_TRUE(decisions
                    .set_outcome((*log)[i].id, i % 3 ? "no_conversion" : "converted", i % 3 ? 0 : 1,
                                 "api", clock.now())
                    .ok());
  }
  testing::TempDir dir("icrm-labels");
  const std::string labels = dir.path("labels.jsonl");
  auto e = testing::run_cli({"eval-policy", "--db", db_url(), "--export", labels});
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_NE(e.out.find("20 logged decisions"), std::string::npos) << e.out;
  std::ifstream in(labels);
  int lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty();
  EXPECT_EQ(lines, kLeads);
  auto both = testing::run_cli({"eval-policy", "--db", db_url(), "--log", labels});
  EXPECT_NE(both.exit_code, 0);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DecideCommandTest);

}  // namespace
}  // namespace icrm
