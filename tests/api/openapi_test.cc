// Keeps /api/v1/openapi.json true: every route of the real router is in it
// with a summary, and calling every route with good, bad and hostile input
// answers only statuses the document lists for that route.
#include "api/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/api_router.h"
#include "store/validation.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class OpenApiTest : public testing::ApiTest {};

const boost::json::object& paths_op(const boost::json::object& doc, const char* path,
                                    const char* method) {
  return doc.at("paths").as_object().at(path).as_object().at(method).as_object();
}

std::string fill(const Route& route, const std::string& value) {
  std::string path;
  for (const auto& seg : route.segments) {
    path += "/";
    path += (seg.size() > 2 && seg.front() == '{') ? value : seg;
  }
  return path;
}

TEST_P(OpenApiTest, DocumentsEveryRoute) {
  Request req;
  req.method = Method::kGet;
  ASSERT_TRUE(req.set_target("/api/v1/openapi.json"));
  Response res = router().handle(req);
  ASSERT_EQ(res.status, 200);
  auto doc = boost::json::parse(res.body).as_object();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const auto& paths = doc.at("paths").as_object();
  size_t operations = 0;
  for (const auto& [path, item] : paths) operations += item.as_object().size();
  EXPECT_EQ(operations, router().routes().size());
  for (const Route& route : router().routes()) {
    SCOPED_TRACE(route.pattern);
    ASSERT_TRUE(paths.contains(route.pattern));
    std::string method(method_name(route.method));
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const auto* op = paths.at(route.pattern).as_object().if_contains(method);
    ASSERT_NE(op, nullptr) << method;
    EXPECT_FALSE(route.doc.summary.empty());
    EXPECT_FALSE(route.doc.responses.empty());
    const auto& responses = op->as_object().at("responses").as_object();
    for (int code : documented_responses(route)) {
      EXPECT_TRUE(responses.contains(std::to_string(code))) << code;
    }
    for (const auto* schema : {&route.doc.request_schema, &route.doc.response_schema}) {
      if (schema->empty()) continue;
      boost::system::error_code ec;
      boost::json::parse(*schema, ec);
      EXPECT_FALSE(ec) << "schema of " << route.pattern << " does not parse: " << *schema;
    }
  }
}

TEST_P(OpenApiTest, EveryRouteAnswersOnlyDocumentedStatuses) {
  const std::vector<std::string> ids = {"1", "999999", "abc", "-1", "%27%3B--"};
  const std::vector<std::string> bodies = {"", "{", "{}", R"({"unknown_field":1})",
                                           R"({"name":["x"],"email":7})"};
  const std::vector<std::string> queries = {"",
                                            "?limit=501",
                                            "?limit=0",
                                            "?cursor=not-a-cursor%20%E2%82%AC",
                                            "?sort=nonsense",
                                            "?q=%3Cscript%3E"};
  // Without credentials every authenticated route stops at the middleware;
  // as an admin and as a rep the handlers themselves answer.
  for (Principal who : {Principal::kNone, Principal::kAdmin, Principal::kRep})
    for (const Route& route : router().routes()) {
      auto documented = documented_responses(route);
      for (const auto& id : ids) {
        for (const auto& body : bodies) {
          for (const auto& query : queries) {
            Request req;
            req.method = route.method;
            req.method_text = std::string(method_name(route.method));
            ASSERT_TRUE(req.set_target(fill(route, id) + query));
            if (!body.empty()) {
              req.headers.set("Content-Type", "application/json");
              req.body = body;
            }
            if (who != Principal::kNone) req.headers.set("Authorization", "Bearer " + token(who));
            auto d = router().dispatch(req);
            ASSERT_EQ(d.route, route.pattern) << req.target;
            int status = d.response.status;
            EXPECT_NE(std::find(documented.begin(), documented.end(), status), documented.end())
                << method_name(route.method) << " " << req.target << " body " << body << " as "
                << testing::principal_name(who) << " answered undocumented " << status << ": "
                << d.response.body;
          }
        }
      }
    }
}

// The records' schemas come from their field tables: each field's limit,
// choices and nullability, the create body's required fields, and the
// records under components/schemas.
TEST_P(OpenApiTest, RecordSchemasCarryTheFieldTablesLimits) {
  Request req;
  req.method = Method::kGet;
  ASSERT_TRUE(req.set_target("/api/v1/openapi.json"));
  auto doc = boost::json::parse(router().handle(req).body).as_object();
  const auto& schemas = doc.at("components").as_object().at("schemas").as_object();
  for (const char* name :
       {"Customer", "Lead", "Product", "Transaction", "Activity", "Communication"})
    EXPECT_TRUE(schemas.contains(name)) << name;
  const auto& customer = schemas.at("Customer").as_object().at("properties").as_object();
  EXPECT_EQ(customer.at("name").as_object().at("maxLength").as_int64(),
            static_cast<int64_t>(store::kMaxNameLength));
  EXPECT_EQ(customer.at("email").as_object().at("type").as_array().size(), 2u);  // or null
  const auto& create = paths_op(doc, "/api/v1/products", "post");
  const auto& body = create.at("requestBody")
                         .as_object()
                         .at("content")
                         .as_object()
                         .at("application/json")
                         .as_object()
                         .at("schema")
                         .as_object();
  EXPECT_EQ(boost::json::serialize(body.at("required")), R"(["sku","name","unit_price_minor"])");
  EXPECT_FALSE(body.at("properties").as_object().contains("created_at"));  // read-only
  EXPECT_EQ(body.at("properties").as_object().at("sku").as_object().at("maxLength").as_int64(),
            static_cast<int64_t>(store::kMaxSkuLength));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(OpenApiTest);

}  // namespace
}  // namespace icrm::api
