// The decision routes through the whole router on both engines: deciding on
// demand for a scored lead, reading the decision, the log with filters and
// cursor, outcomes once, reject needing a reason, settings validation with
// the field named, and the KPIs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/activity_store.h"
#include "store/decision_store.h"
#include "store/lead_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "tests/api/api_fixture.h"
#include "tests/store/store_fixtures.h"

namespace icrm::api {
namespace {

using testing::Principal;

class DecisionRoutesTest : public testing::ApiTest {
 protected:
  int64_t scored_lead(double score, std::optional<int64_t> owner) {
    if (model_id_ == 0) model_id_ = icrm::testing::add_lead_model(db());
    store::Lead l;
    l.name = "Lead";
    l.owner_id = owner;
    l.expected_value_minor = 500000;
    int64_t id = store::LeadStore(db(), clock()).create(store::Actor::system(), l)->id;
    store::ScoreRecord s;
    s.entity = "leads";
    s.entity_id = id;
    s.model_id = model_id_;
    s.score = score;
    s.probability = score / 2;
    s.rank = 1;
    s.tier = "hot";
    s.scored_at = clock().now();
    EXPECT_TRUE(store::ScoreStore(db()).record(std::span(&s, 1)).ok());
    return id;
  }
  int64_t model_id_ = 0;
};

TEST_P(DecisionRoutesTest, DecideReadListAndRecordTheOutcome) {
  int64_t lead = scored_lead(0.9, user_id(Principal::kRep));
  auto missing = get(Principal::kRep, "/api/v1/leads/" + std::to_string(lead) + "/decision");
  EXPECT_EQ(missing.status, 404);

  auto made = post(Principal::kRep, "/api/v1/leads/" + std::to_string(lead) + "/decision", "");
  ASSERT_EQ(made.status, 201) << made.body;
  auto d = json(made);
  EXPECT_EQ(d.at("tier").as_string(), "high");
  EXPECT_TRUE(d.at("utility").as_object().contains("offer"));
  double total = 0;
  for (const auto& [k, v] : d.at("probabilities").as_object()) total += v.to_number<double>();
  EXPECT_NEAR(total, 1.0, 1e-12);
  int64_t id = d.at("id").as_int64();

  auto twice = post(Principal::kRep, "/api/v1/leads/" + std::to_string(lead) + "/decision", "");
  EXPECT_EQ(twice.status, 409) << twice.body;

  auto read = get(Principal::kViewer, "/api/v1/leads/" + std::to_string(lead) + "/decision");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json(read).at("id").as_int64(), id);
  EXPECT_FALSE(json(read).at("why").as_string().empty());

  auto listed = get(Principal::kManager, "/api/v1/decisions?tier=high&outcome=pending");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(json(listed).at("items").as_array().size(), 1u);
  EXPECT_EQ(get(Principal::kManager, "/api/v1/decisions?tier=warm").status, 400);
  EXPECT_EQ(get(Principal::kManager, "/api/v1/decisions?limit=500").status, 200);
  EXPECT_EQ(get(Principal::kManager, "/api/v1/decisions?limit=501").status, 400);

  auto bad = post(Principal::kRep, "/api/v1/decisions/" + std::to_string(id) + "/outcome",
                  R"({"outcome":"won"})");
  EXPECT_EQ(bad.status, 400);
  auto bad_reward = post(Principal::kRep, "/api/v1/decisions/" + std::to_string(id) + "/outcome",
                         R"({"outcome":"converted","reward":1.5})");
  EXPECT_EQ(bad_reward.status, 400);
  auto ok = post(Principal::kRep, "/api/v1/decisions/" + std::to_string(id) + "/outcome",
                 R"({"outcome":"converted"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json(ok).at("reward").to_number<double>(), 1.0);
  auto again = post(Principal::kRep, "/api/v1/decisions/" + std::to_string(id) + "/outcome",
                    R"({"outcome":"engaged"})");
  EXPECT_EQ(again.status, 409);
  // The outcome posted is audited with who said it; the refused ones are not.
  auto audit = json(get(Principal::kAdmin, "/api/v1/audit-log?entity=decisions&action=outcome"));
  const auto& entries = audit.at("items").as_array();
  ASSERT_EQ(entries.size(), 1u) << audit;
  const auto& entry = entries[0].as_object();
  EXPECT_EQ(entry.at("entity_id").as_int64(), id);
  EXPECT_EQ(entry.at("user_id").as_int64(), user_id(Principal::kRep));
  EXPECT_EQ(entry.at("after").as_object().at("outcome").as_string(), "converted");
  EXPECT_EQ(entry.at("after").as_object().at("reward").to_number<double>(), 1.0);
}

TEST_P(DecisionRoutesTest, RejectNeedsAReasonWithinItsLimit) {
  int64_t lead = scored_lead(0.9, user_id(Principal::kRep));
  auto made = post(Principal::kRep, "/api/v1/leads/" + std::to_string(lead) + "/decision", "");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string path =
      "/api/v1/decisions/" + std::to_string(json(made).at("id").as_int64()) + "/reject";
  EXPECT_EQ(post(Principal::kRep, path, R"({})").status, 400);
  EXPECT_EQ(post(Principal::kRep, path, R"({"reason":""})").status, 400);
  std::string past(store::kMaxRejectReasonLength + 1, 'x');
  EXPECT_EQ(post(Principal::kRep, path, R"({"reason":")" + past + R"("})").status, 400);
  std::string at(store::kMaxRejectReasonLength, 'x');
  auto rejected = post(Principal::kRep, path, R"({"reason":")" + at + R"("})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(json(rejected).at("outcome").as_string(), "rejected");
  // The cancelled step frees the lead for the next decision.
  EXPECT_EQ(post(Principal::kRep, "/api/v1/leads/" + std::to_string(lead) + "/decision", "").status,
            201);
}

TEST_P(DecisionRoutesTest, SettingsAreValidatedAndNameTheField) {
  auto put = [&](const std::string& body) {
    return call(Principal::kAdmin, Method::kPut, "/api/v1/settings/decisions", body);
  };
  auto r = put(R"({"theta":0.8,"theta1":0.5,"costs":{"call":60}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("theta").to_number<double>(), 0.8);
  EXPECT_EQ(json(r).at("in_force").as_object().at("theta").to_number<double>(), 0.8);
  auto read = get(Principal::kAdmin, "/api/v1/settings/decisions");
  EXPECT_EQ(json(read).at("costs").as_object().at("call").to_number<double>(), 60);
  auto bad = put(R"({"horizon_days":366})");
  ASSERT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("horizon_days"), std::string::npos) << bad.body;
  EXPECT_EQ(put(R"({"horizon_days":365})").status, 200);
  EXPECT_EQ(put(R"({"unknown":1})").status, 400);
  // Tier boundaries follow the saved θ: a score exactly at θ is Medium.
  int64_t lead = scored_lead(0.6, std::nullopt);
  ASSERT_EQ(put(R"({"theta":0.6,"theta1":0.3})").status, 200);
  auto d = post(Principal::kAdmin, "/api/v1/leads/" + std::to_string(lead) + "/decision", "");
  ASSERT_EQ(d.status, 201) << d.body;
  EXPECT_EQ(json(d).at("tier").as_string(), "medium");
}

TEST_P(DecisionRoutesTest, KpisCountAutomaticAndManualStepsAndConversionByTier) {
  int64_t lead = scored_lead(0.9, user_id(Principal::kRep));
  ASSERT_EQ(
      post(Principal::kAdmin, "/api/v1/leads/" + std::to_string(lead) + "/decision", "").status,
      201);
  create("/api/v1/activities", R"({"subject":"By hand","kind":"call","lead_id":)" +
                                   std::to_string(scored_lead(0.2, std::nullopt)) + "}");
  auto k = get(Principal::kManager, "/api/v1/decisions/kpis");
  ASSERT_EQ(k.status, 200) << k.body;
  auto o = json(k);
  EXPECT_EQ(o.at("next_steps").as_object().at("automatic").as_int64(), 1);
  EXPECT_EQ(o.at("next_steps").as_object().at("manual").as_int64(), 1);
  EXPECT_EQ(o.at("next_steps").as_object().at("automatic_share").to_number<double>(), 0.5);
  EXPECT_EQ(o.at("decisions").as_int64(), 1);
  EXPECT_EQ(o.at("conversion_by_tier").as_array()[0].as_object().at("decisions").as_int64(), 1);
  EXPECT_EQ(get(Principal::kManager,
                "/api/v1/decisions/kpis?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z")
                .status,
            400);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DecisionRoutesTest);

}  // namespace
}  // namespace icrm::api
