// /api/v1/leads through the whole router without a socket, on both engines:
// what a rep sees and may change, owner assignment, status transitions,
// history, and number bounds one past the edge.
#include "api/lead_routes.h"

#include <gtest/gtest.h>

#include "api/resource_routes.h"
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
  EXPECT_TRUE(names(get(Principal::kRep, "/api/v1/leads?owner_id=" + std::to_string(manager))).empty());

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
  EXPECT_EQ(post(Principal::kRep, "/api/v1/leads", lead_body("unassigned", std::nullopt)).status, 201);
  auto for_other = post(Principal::kRep, "/api/v1/leads", lead_body("theirs", manager));
  EXPECT_EQ(for_other.status, 403) << for_other.body;

  int64_t free = create("/api/v1/leads", lead_body("free", std::nullopt));
  auto claim = patch(Principal::kRep, path(free), R"({"owner_id":)" + std::to_string(rep) + "}");
  ASSERT_EQ(claim.status, 403);
  EXPECT_EQ(json(claim).at("errors").as_array()[0].as_object().at("field").as_string(), "owner_id");
  auto assign = patch(Principal::kManager, path(free), R"({"owner_id":)" + std::to_string(rep) + "}");
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
  EXPECT_EQ(post(Principal::kManager, path(id, "/status"), R"({"status":"contacted","customer_id":1})")
                .status,
            400);
  auto read_only = patch(Principal::kManager, path(id), R"({"status":"contacted"})");
  EXPECT_EQ(read_only.status, 400);
  EXPECT_NE(read_only.body.find("/status"), std::string::npos);

  for (const char* s : {"contacted", "qualified", "converted"}) {
    auto r = post(Principal::kManager, path(id, "/status"), std::string(R"({"status":")") + s + "\"}");
    ASSERT_EQ(r.status, 200) << s << ": " << r.body;
    EXPECT_EQ(json(r).at("status").as_string(), s);
  }
  auto lead = json(get(Principal::kManager, path(id)));
  ASSERT_TRUE(lead.at("customer_id").is_int64());
  auto customer = get(Principal::kManager, "/api/v1/customers/" + std::to_string(lead.at("customer_id").as_int64()));
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
  for (std::string value : {std::to_string(kMaxAmountMinor + 1), std::string("-1"), std::string("1.5"),
                            std::string("\"100\""), std::string("true"), std::string("1e300")}) {
    auto r = post(Principal::kAdmin, "/api/v1/leads", R"({"name":"x","expected_value_minor":)" + value + "}");
    ASSERT_EQ(r.status, 400) << value << ": " << r.body;
    EXPECT_EQ(json(r).at("errors").as_array()[0].as_object().at("field").as_string(),
              "expected_value_minor")
        << value;
  }
  auto currency = post(Principal::kAdmin, "/api/v1/leads", R"({"name":"x","currency":"euro"})");
  EXPECT_EQ(currency.status, 400);
  EXPECT_EQ(json(currency).at("errors").as_array()[0].as_object().at("field").as_string(), "currency");
  auto lead = json(post(Principal::kAdmin, "/api/v1/leads", R"({"name":"x","currency":"USD"})"));
  EXPECT_EQ(lead.at("currency").as_string(), "USD");
  EXPECT_EQ(json(post(Principal::kAdmin, "/api/v1/leads", R"({"name":"y"})")).at("currency").as_string(), "EUR");
}

TEST_P(LeadRoutesTest, ListFiltersSortsAndSearches) {
  create("/api/v1/leads", R"({"name":"Zed","company":"Umbrella","expected_value_minor":500})");
  clock().advance(std::chrono::seconds(1));
  create("/api/v1/leads", R"({"name":"Amy","company":"Acme","expected_value_minor":900,"source":"web"})");
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads")), (std::vector<std::string>{"Amy", "Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?sort=-created_at&limit=50")),
            (std::vector<std::string>{"Amy", "Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?sort=expected_value_minor")),
            (std::vector<std::string>{"Zed", "Amy"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?source=web")), (std::vector<std::string>{"Amy"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?q=UMBR")), (std::vector<std::string>{"Zed"}));
  EXPECT_EQ(names(get(Principal::kViewer, "/api/v1/leads?status=new&owner_id=null")).size(), 2u);
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/leads?status=won").status, 400);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(LeadRoutesTest);

}  // namespace
}  // namespace icrm::api
