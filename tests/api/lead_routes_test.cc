// /api/v1/leads through the whole router without a socket, on both engines:
// what a rep sees and may change, owner assignment, status transitions,
// history, and number bounds one past the edge.
#include "api/lead_routes.h"

#include <gtest/gtest.h>

#include "api/resource_routes.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class LeadRoutesTest : public testing::ApiTest {
 protected:
  std::string lead_body(const std::string& name, std::optional<int64_t> owner) {
    std::string body = R"({"name":")" + name + R"(")";
    if (owner) body += R"(,"owner_id":)" + std::to_string(*owner);
    return body + "}";
  }
  std::vector<std::string> names(const Response& r) {
    std::vector<std::string> out;
    auto page = json(r);
    for (const auto& item : page.at("items").as_array()) {
      out.emplace_back(item.as_object().at("name").as_string());
    }
    return out;
  }
  std::string path(int64_t id, const std::string& suffix = "") {
    return "/api/v1/leads/" + std::to_string(id) + suffix;
  }
};

TEST_P(LeadRoutesTest, ARepSeesAndChangesOwnAndUnassignedLeadsOnly) {
  int64_t rep = user_id(Principal::kRep);
  int64_t manager = user_id(Principal::kManager);
  int64_t own = create("/api/v1/leads", lead_body("own", rep));
  int64_t free = create("/api/v1/leads", lead_body("free", std::nullopt));
  int64_t other = create("/api/v1/leads", lead_body("other", manager));

  auto listed = get(Principal::kRep, "/api/v1/leads?sort=name");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(names(listed), (std::vector<std::string>{"free", "own"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?sort=name")),
            (std::vector<std::string>{"free", "other", "own"}));
  // Asking for someone else's leads by filter finds none of them.
  EXPECT_TRUE(
      names(get(Principal::kRep, "/api/v1/leads?owner_id=" + std::to_string(manager))).empty());

  EXPECT_EQ(get(Principal::kRep, path(own)).status, 200);
  EXPECT_EQ(get(Principal::kRep, path(free)).status, 200);
  // Another rep's lead is hidden exactly like one that does not exist.
  auto hidden = get(Principal::kRep, path(other));
  auto absent = get(Principal::kRep, path(987654));
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(patch(Principal::kRep, path(other), R"({"name":"mine now"})").status, 404);
  EXPECT_EQ(post(Principal::kRep, path(other, "/status"), R"({"status":"contacted"})").status, 404);
  EXPECT_EQ(get(Principal::kRep, path(other, "/history")).status, 404);
  EXPECT_EQ(del(Principal::kRep, path(other)).status, 404);

  EXPECT_EQ(patch(Principal::kRep, path(own), R"({"company":"Acme"})").status, 200);
  EXPECT_EQ(patch(Principal::kRep, path(free), R"({"company":"Acme"})").status, 200);
  EXPECT_EQ(del(Principal::kRep, path(own)).status, 204);
  // A viewer sees but may not change.
  EXPECT_EQ(patch(Principal::kViewer, path(free), R"({"company":"Acme"})").status, 403);
}

TEST_P(LeadRoutesTest, OnlyManagersAndAdminsAssignOwners) {
  int64_t rep = user_id(Principal::kRep);
  int64_t manager = user_id(Principal::kManager);
  EXPECT_EQ(post(Principal::kRep, "/api/v1/leads", lead_body("mine", rep)).status, 201);
  EXPECT_EQ(post(Principal::kRep, "/api/v1/leads", lead_body("unassigned", std::nullopt)).status,
            201);
  auto for_other = post(Principal::kRep, "/api/v1/leads", lead_body("theirs", manager));
  EXPECT_EQ(for_other.status, 403) << for_other.body;

  int64_t free = create("/api/v1/leads", lead_body("free", std::nullopt));
  auto claim = patch(Principal::kRep, path(free), R"({"owner_id":)" + std::to_string(rep) + "}");
  ASSERT_EQ(claim.status, 403);
  EXPECT_EQ(json(claim).at("errors").as_array()[0].as_object().at("field").as_string(), "owner_id");
  auto assign =
      patch(Principal::kManager, path(free), R"({"owner_id":)" + std::to_string(rep) + "}");
  ASSERT_EQ(assign.status, 200) << assign.body;
  EXPECT_EQ(json(assign).at("owner_id").as_int64(), rep);
  EXPECT_EQ(get(Principal::kRep, path(free)).status, 200);
  EXPECT_EQ(patch(Principal::kRep, path(free), R"({"owner_id":null})").status, 403);
}

TEST_P(LeadRoutesTest, StatusMovesOnlyAlongLegalTransitionsAndIsHistory) {
  int64_t id = create("/api/v1/leads", R"({"name":"Ada","email":"ada@example.com"})");
  auto skip = post(Principal::kManager, path(id, "/status"), R"({"status":"qualified"})");
  ASSERT_EQ(skip.status, 409) << skip.body;
  EXPECT_NE(skip.body.find("it may go to contacted"), std::string::npos) << skip.body;
  auto bogus = post(Principal::kManager, path(id, "/status"), R"({"status":"won"})");
  EXPECT_EQ(bogus.status, 400);
  EXPECT_EQ(post(Principal::kManager, path(id, "/status"), "{}").status, 400);
  EXPECT_EQ(
      post(Principal::kManager, path(id, "/status"), R"({"status":"contacted","customer_id":1})")
          .status,
      400);
  auto read_only = patch(Principal::kManager, path(id), R"({"status":"contacted"})");
  EXPECT_EQ(read_only.status, 400);
  EXPECT_NE(read_only.body.find("/status"), std::string::npos);

  for (const char* s : {"contacted", "qualified", "converted"}) {
    auto r =
        post(Principal::kManager, path(id, "/status"), std::string(R"({"status":")") + s + "\"}");
    ASSERT_EQ(r.status, 200) << s << ": " << r.body;
    EXPECT_EQ(json(r).at("status").as_string(), s);
  }
  auto lead = json(get(Principal::kManager, path(id)));
  ASSERT_TRUE(lead.at("customer_id").is_int64());
  auto customer = get(Principal::kManager,
                      "/api/v1/customers/" + std::to_string(lead.at("customer_id").as_int64()));
  ASSERT_EQ(customer.status, 200);
  EXPECT_EQ(json(customer).at("email").as_string(), "ada@example.com");
  EXPECT_EQ(post(Principal::kManager, path(id, "/status"), R"({"status":"lost"})").status, 409);

  auto history = get(Principal::kViewer, path(id, "/history"));
  ASSERT_EQ(history.status, 200) << history.body;
  std::vector<std::string> to;
  auto changes = json(history);
  for (const auto& c : changes.at("items").as_array()) {
    to.emplace_back(c.as_object().at("to_status").as_string());
    if (to.size() > 1) {
      EXPECT_EQ(c.as_object().at("user_id").as_int64(), user_id(Principal::kManager));
    }
  }
  EXPECT_EQ(to, (std::vector<std::string>{"new", "contacted", "qualified", "converted"}));
}

TEST_P(LeadRoutesTest, NumbersOutOfRangeAreNamed) {
  auto at = post(Principal::kAdmin, "/api/v1/leads",
                 R"({"name":"x","expected_value_minor":)" + std::to_string(kMaxAmountMinor) + "}");
  EXPECT_EQ(at.status, 201) << at.body;
  for (std::string value :
       {std::to_string(kMaxAmountMinor + 1), std::string("-1"), std::string("1.5"),
        std::string("\"100\""), std::string("true"), std::string("1e300")}) {
    auto r = post(Principal::kAdmin, "/api/v1/leads",
                  R"({"name":"x","expected_value_minor":)" + value + "}");
    ASSERT_EQ(r.status, 400) << value << ": " << r.body;
    EXPECT_EQ(json(r).at("errors").as_array()[0].as_object().at("field").as_string(),
              "expected_value_minor")
        << value;
  }
  auto currency = post(Principal::kAdmin, "/api/v1/leads", R"({"name":"x","currency":"euro"})");
  EXPECT_EQ(currency.status, 400);
  EXPECT_EQ(json(currency).at("errors").as_array()[0].as_object().at("field").as_string(),
            "currency");
  auto lead = json(post(Principal::kAdmin, "/api/v1/leads", R"({"name":"x","currency":"USD"})"));
  EXPECT_EQ(lead.at("currency").as_string(), "USD");
  EXPECT_EQ(
      json(post(Principal::kAdmin, "/api/v1/leads", R"({"name":"y"})")).at("currency").as_string(),
      "EUR");
}

TEST_P(LeadRoutesTest, ListFiltersSortsAndSearches) {
  create("/api/v1/leads", R"({"name":"Zed","company":"Umbrella","expected_value_minor":500})");
  clock().advance(std::chrono::seconds(1));
  create("/api/v1/leads",
         R"({"name":"Amy","company":"Acme","expected_value_minor":900,"source":"web"})");
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads")),
            (std::vector<std::string>{"Amy", "Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?sort=-created_at&limit=50")),
            (std::vector<std::string>{"Amy", "Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?sort=expected_value_minor")),
            (std::vector<std::string>{"Zed", "Amy"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?source=web")),
            (std::vector<std::string>{"Amy"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?q=UMBR")),
            (std::vector<std::string>{"Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?status=new&owner_id=null")).size(), 2u);
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/leads?status=won").status, 400);
}

// List items carry the latest score (with the model's version), leads sort by
// its rank, and customers by their churn rank.
TEST_P(LeadRoutesTest, ListsCarryTheLatestScoreAndSortByRank) {
  int64_t a = create("/api/v1/leads", lead_body("A", std::nullopt));
  int64_t b = create("/api/v1/leads", lead_body("B", std::nullopt));
  int64_t c = create("/api/v1/leads", lead_body("C", std::nullopt));
  int64_t kept = create("/api/v1/customers", R"({"name":"Kept"})");
  int64_t leaving = create("/api/v1/customers", R"({"name":"Leaving"})");
  store::ModelRegistry registry(db(), clock());
  store::ModelRecord m;
  m.entity = "leads";
  m.target = "converted";
  m.kind = "lr";
  m.metrics = boost::json::object{{"roc_auc", 0.8}};
  m.bundle = "{}";
  m.feature_spec = boost::json::object{};
  ASSERT_TRUE(registry.register_model(store::Actor::system(), m, false).ok());
  auto v2 = registry.register_model(store::Actor::system(), m, false);
  ASSERT_TRUE(v2.ok());
  m.entity = "customers";
  m.target = "churned";
  auto churn = registry.register_model(store::Actor::system(), m, false);
  ASSERT_TRUE(churn.ok());
  auto score = [&](const char* entity, int64_t model, int64_t id, double p, int64_t rank) {
    store::ScoreRecord s;
    s.entity = entity;
    s.entity_id = id;
    s.model_id = model;
    s.score = s.probability = p;
    s.rank = rank;
    s.tier = p > 0.5 ? "hot" : "cold";
    s.scored_at = clock().now();
    return s;
  };
  std::vector<store::ScoreRecord> run = {
      score("leads", v2->id, b, 0.75, 1), score("leads", v2->id, a, 0.25, 2),
      score("customers", churn->id, leaving, 0.6, 1), score("customers", churn->id, kept, 0.1, 2)};
  ASSERT_TRUE(store::ScoreStore(db()).record(run).ok());

  auto listed = get(Principal::kViewer, "/api/v1/leads?sort=rank");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(names(listed), (std::vector<std::string>{"B", "A", "C"}));
  const auto listed_json = json(listed);  // kept: items refer into it
  const auto& items = listed_json.at("items").as_array();
  const auto& top = items[0].as_object().at("latest_score").as_object();
  EXPECT_EQ(top.at("probability").as_double(), 0.75);
  EXPECT_EQ(top.at("rank").as_int64(), 1);
  EXPECT_EQ(top.at("tier").as_string(), "hot");
  EXPECT_EQ(top.at("model_id").as_int64(), v2->id);
  EXPECT_EQ(top.at("model_version").as_int64(), 2);
  EXPECT_EQ(top.at("scored_at").as_string(), format_timestamp(clock().now()));
  EXPECT_TRUE(items[2].as_object().at("latest_score").is_null()) << "C was never scored";
  EXPECT_FALSE(json(get(Principal::kViewer, path(c))).contains("latest_score"))
      << "only lists join scores";

  auto customers = get(Principal::kViewer, "/api/v1/customers?sort=rank");
  ASSERT_EQ(customers.status, 200) << customers.body;
  EXPECT_EQ(names(customers), (std::vector<std::string>{"Leaving", "Kept"}));
  const auto customers_json = json(customers);
  const auto& first =
      customers_json.at("items").as_array()[0].as_object().at("latest_score").as_object();
  EXPECT_EQ(first.at("model_id").as_int64(), churn->id);
  EXPECT_EQ(first.at("probability").as_double(), 0.6);
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/customers?sort=-rank")),
            (std::vector<std::string>{"Kept", "Leaving"}));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(LeadRoutesTest);

}  // namespace
}  // namespace icrm::api
