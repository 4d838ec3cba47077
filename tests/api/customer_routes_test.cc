// /api/v1/customers through the whole router without a socket, on both
// engines: the CRUD round trip, paging, every bad field named, duplicates,
// hostile text kept verbatim.
#include "api/customer_routes.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "api/resource_routes.h"
#include "store/validation.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class CustomerRoutesTest : public testing::ApiTest {};

TEST_P(CustomerRoutesTest, CreateReadPatchDeleteAuditedAsTheCaller) {
  auto created = post(Principal::kManager, "/api/v1/customers",
                      R"({"name":"Ada Ltd","email":"ada@example.com","country":"UK",)"
                      R"("attributes":{"seats":40,"industry":"retail"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = json(created);
  int64_t id = c.at("id").as_int64();
  EXPECT_EQ(created.headers.get("Location").value_or(""),
            "/api/v1/customers/" + std::to_string(id));
  EXPECT_EQ(c.at("status").as_string(), "active");
  EXPECT_TRUE(c.at("phone").is_null());

  auto read = get(Principal::kViewer, "/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json(read), c);

  // PATCH changes only what it names; null clears; attributes merge.
  auto patched =
      patch(Principal::kManager, "/api/v1/customers/" + std::to_string(id),
            R"({"country":null,"status":"churned","attributes":{"seats":41,"industry":null}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto p = json(patched);
  EXPECT_EQ(p.at("name").as_string(), "Ada Ltd");
  EXPECT_EQ(p.at("email").as_string(), "ada@example.com");
  EXPECT_TRUE(p.at("country").is_null());
  EXPECT_EQ(p.at("status").as_string(), "churned");
  EXPECT_EQ(boost::json::serialize(p.at("attributes")), R"({"seats":41})");

  EXPECT_EQ(
      patch(Principal::kManager, "/api/v1/customers/" + std::to_string(id), R"({"name":null})")
          .status,
      400);
  auto read_only = patch(Principal::kManager, "/api/v1/customers/" + std::to_string(id),
                         R"({"id":7,"created_at":"2020-01-01T00:00:00Z"})");
  EXPECT_EQ(read_only.status, 400);
  EXPECT_EQ(error_fields(json(read_only)), (std::vector<std::string>{"id", "created_at"}));

  EXPECT_EQ(del(Principal::kManager, "/api/v1/customers/" + std::to_string(id)).status, 204);
  EXPECT_EQ(get(Principal::kManager, "/api/v1/customers/" + std::to_string(id)).status, 404);

  auto audit =
      get(Principal::kAdmin, "/api/v1/audit-log?entity=customers&entity_id=" + std::to_string(id));
  ASSERT_EQ(audit.status, 200) << audit.body;
  auto items = json(audit).at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  std::vector<std::string> actions;
  for (const auto& e : items) {
    actions.emplace_back(e.as_object().at("action").as_string());
    EXPECT_EQ(e.as_object().at("user_id").as_int64(), user_id(Principal::kManager));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"delete", "update", "create"}));
}

TEST_P(CustomerRoutesTest, ABadBodyNamesEveryFieldAtFault) {
  auto typed =
      post(Principal::kAdmin, "/api/v1/customers",
           R"({"name":5,"status":"gone","owner_id":-1,"nickname":"x","attributes":{"a":{"b":1}}})");
  ASSERT_EQ(typed.status, 400);
  EXPECT_EQ(error_fields(json(typed)),
            (std::vector<std::string>{"name", "status", "owner_id", "attributes.a", "nickname"}));
  // Errors only the store finds are all named too.
  auto shaped =
      post(Principal::kAdmin, "/api/v1/customers", R"({"name":"  ","email":"not-an-address"})");
  ASSERT_EQ(shaped.status, 400) << shaped.body;
  EXPECT_EQ(error_fields(json(shaped)), (std::vector<std::string>{"name", "email"}));
  auto missing = post(Principal::kAdmin, "/api/v1/customers", "{}");
  EXPECT_EQ(error_fields(json(missing)), (std::vector<std::string>{"name"}));
  EXPECT_EQ(
      post(Principal::kAdmin, "/api/v1/customers", R"({"name":"x","owner_id":999999})").status,
      400);
}

TEST_P(CustomerRoutesTest, ADuplicateIs409NamingTheExistingCustomer) {
  int64_t first = create("/api/v1/customers", R"({"name":"Ada","email":"ada@example.com"})");
  auto again =
      post(Principal::kAdmin, "/api/v1/customers", R"({"name":"Eve","email":"ADA@example.com"})");
  ASSERT_EQ(again.status, 409);
  auto problem = json(again);
  EXPECT_NE(std::string(problem.at("detail").as_string()).find("customer " + std::to_string(first)),
            std::string::npos)
      << again.body;
  EXPECT_EQ(error_fields(problem), (std::vector<std::string>{"email"}));
}

TEST_P(CustomerRoutesTest, PagesByCursorAndRefusesBadQueriesNamingThem) {
  for (int i = 0; i < 5; ++i) {
    create("/api/v1/customers", R"({"name":"C)" + std::to_string(i) + R"(","country":"FR"})");
    clock().advance(std::chrono::seconds(1));
  }
  std::vector<std::string> names;
  std::string target = "/api/v1/customers?limit=2&sort=name&country=FR";
  for (int pages = 0; pages < 5; ++pages) {
    auto r = get(Principal::kRep, target);
    ASSERT_EQ(r.status, 200) << r.body;
    auto page = json(r);
    for (const auto& item : page.at("items").as_array()) {
      names.emplace_back(item.as_object().at("name").as_string());
    }
    if (page.at("next_cursor").is_null()) break;
    target = "/api/v1/customers?limit=2&sort=name&country=FR&cursor=" +
             std::string(page.at("next_cursor").as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"C0", "C1", "C2", "C3", "C4"}));

  // Page size: the limit itself is fine, one past it is not.
  EXPECT_EQ(get(Principal::kRep, "/api/v1/customers?limit=" + std::to_string(kMaxPageSize)).status,
            200);
  auto past = get(Principal::kRep, "/api/v1/customers?limit=" + std::to_string(kMaxPageSize + 1));
  ASSERT_EQ(past.status, 400);
  EXPECT_EQ(error_fields(json(past)), (std::vector<std::string>{"limit"}));
  auto twice = get(Principal::kRep, "/api/v1/customers?limit=0&sort=name&sort=email");
  EXPECT_EQ(error_fields(json(twice)), (std::vector<std::string>{"limit", "sort"}));
  EXPECT_EQ(error_fields(json(get(Principal::kRep, "/api/v1/customers?shoe_size=9"))),
            (std::vector<std::string>{"shoe_size"}));
  EXPECT_EQ(error_fields(json(get(Principal::kRep, "/api/v1/customers?sort=password"))),
            (std::vector<std::string>{"sort"}));
  EXPECT_EQ(error_fields(json(get(Principal::kRep, "/api/v1/customers?cursor=zz"))),
            (std::vector<std::string>{"cursor"}));
  EXPECT_EQ(get(Principal::kRep, "/api/v1/customers/abc").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/customers/0").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/customers/99999999999999999999").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/customers/424242").status, 404);
}

TEST_P(CustomerRoutesTest, SqlAndHtmlMetacharactersAreStoredAndReturnedVerbatim) {
  const std::string hostile =
      R"(Robert'); DROP TABLE customers;-- <script>alert("x")</script> %_\ & 名前)";
  boost::json::object body{
      {"name", hostile}, {"company", hostile}, {"attributes", {{"note", hostile}}}};
  auto created = post(Principal::kAdmin, "/api/v1/customers", boost::json::serialize(body));
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = json(created).at("id").as_int64();
  auto read = json(get(Principal::kViewer, "/api/v1/customers/" + std::to_string(id)));
  EXPECT_EQ(read.at("name").as_string(), hostile);
  EXPECT_EQ(read.at("company").as_string(), hostile);
  EXPECT_EQ(read.at("attributes").as_object().at("note").as_string(), hostile);
  // Served as JSON, never as a page a browser would render.
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/customers/" + std::to_string(id)).content_type,
            "application/json");
  // Search takes the wildcards literally and finds it.
  auto found = get(Principal::kViewer, "/api/v1/customers?q=%25_%5C");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(json(found).at("items").as_array().size(), 1u);
  auto none = get(Principal::kViewer, "/api/v1/customers?q=%27%20OR%201%3D1--");
  EXPECT_EQ(json(none).at("items").as_array().size(), 0u);
}

TEST_P(CustomerRoutesTest, HostileBodiesAre400NamingTheProblem) {
  const std::pair<std::string, std::string> cases[] = {
      {"{", "body"},
      {R"({"name":"a",})", "body"},
      {"[1,2]", "body"},
      {std::string("{\"name\":\"\xC3\x28\"}"), "body"},  // invalid UTF-8
      {R"({"name":"x","owner_id":1e400})", "owner_id"},
      {R"({"name":"x","owner_id":"7"})", "owner_id"},
      {R"({"name":"x","owner_id":9223372036854775808})", "owner_id"},
      {R"({"name":"x","owner_id":1.5})", "owner_id"},
      {R"({"name":"x","attributes":[1]})", "attributes"},
      {R"({"name":")" + std::string(store::kMaxNameLength + 1, 'n') + R"("})", "name"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post(Principal::kAdmin, "/api/v1/customers", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto fields = error_fields(json(r));
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end())
        << body << ": " << r.body;
  }
  // Exactly at the length limit is fine.
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/customers",
                 R"({"name":")" + std::string(store::kMaxNameLength, 'n') + R"("})")
                .status,
            201);
  auto nested = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  auto deep =
      post(Principal::kAdmin, "/api/v1/customers", R"({"name":"x","attributes":)" + nested + "}");
  EXPECT_EQ(deep.status, 400);
  EXPECT_NE(deep.body.find("nested deeper"), std::string::npos) << deep.body;
  auto wrong_type = call(Principal::kAdmin, Method::kPost, "/api/v1/customers", R"({"name":"x"})",
                         {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("Content-Type"), std::string::npos);
}

TEST_P(CustomerRoutesTest, ACustomerWithLeadsCannotBeDeleted) {
  int64_t id = create("/api/v1/customers", R"({"name":"Ada","email":"ada@example.com"})");
  int64_t lead =
      create("/api/v1/leads", R"({"name":"Ada","email":"ada@example.com","status":"qualified"})");
  ASSERT_EQ(post(Principal::kAdmin, "/api/v1/leads/" + std::to_string(lead) + "/status",
                 R"({"status":"converted"})")
                .status,
            200);
  auto refused = del(Principal::kAdmin, "/api/v1/customers/" + std::to_string(id));
  EXPECT_EQ(refused.status, 409) << refused.body;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(CustomerRoutesTest);

}  // namespace
}  // namespace icrm::api
