#include "api/openapi.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/record_schemas.h"

namespace icrm::api {

namespace json = boost::json;

namespace {

json::value schema_or_object(const std::string& text) {
  if (text.empty()) return json::object{{"type", "object"}};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  // A RouteDoc schema that does not parse is a programming error the OpenAPI
  // test catches; describe it as an object rather than fail the request.
  if (ec) return json::object{{"type", "object"}, {"description", "schema text invalid"}};
  return v;
}

std::string lower(std::string_view m) {
  std::string s(m);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json::object problem_schema() {
  return json::object{
      {"type", "object"},
      {"description", "RFC 9457 problem details"},
      {"required", json::array{"type", "title", "status", "detail", "errors"}},
      {"properties",
       json::object{
           {"type", json::object{{"type", "string"}}},
           {"title", json::object{{"type", "string"}}},
           {"status", json::object{{"type", "integer"}}},
           {"detail", json::object{{"type", "string"}}},
           {"errors",
            json::object{
                {"type", "array"},
                {"items",
                 json::object{{"type", "object"},
                              {"properties", json::object{{"field", {{"type", "string"}}},
                                                          {"message", {{"type", "string"}}}}}}}}},
       }}};
}

}  // namespace

std::vector<int> documented_responses(const Route& route) {
  std::vector<int> codes = route.doc.responses;
  if (route.access == Access::kAuthenticated) {
    codes.push_back(401);
    codes.push_back(403);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

json::object openapi_document(const Router& router, const std::string& version) {
  json::object paths;
  for (const Route& route : router.routes()) {
    json::object op;
    op["summary"] = route.doc.summary;
    if (!route.doc.tag.empty()) op["tags"] = json::array{json::value(route.doc.tag)};
    op["operationId"] = lower(method_name(route.method)) + route.pattern;
    json::array params;
    for (const auto& seg : route.segments) {
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        params.push_back(json::object{{"name", seg.substr(1, seg.size() - 2)},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", {{"type", "string"}}}});
      }
    }
    for (const auto& q : route.doc.query) {
      params.push_back(json::object{
          {"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!route.doc.request_schema.empty()) {
      op["requestBody"] = json::object{
          {"required", true},
          {"content",
           json::object{{"application/json",
                         json::object{{"schema", schema_or_object(route.doc.request_schema)}}}}}};
    }
    json::object responses;
    for (int code : documented_responses(route)) {
      json::object r;
      r["description"] = status_reason(code);
      if (code >= 400) {
        r["content"] = json::object{
            {"application/problem+json",
             json::object{{"schema", json::object{{"$ref", "#/components/schemas/Problem"}}}}}};
      } else if (code != 204 && !route.doc.response_schema.empty()) {
        r["content"] =
            json::object{{"application/json",
                          json::object{{"schema", schema_or_object(route.doc.response_schema)}}}};
      }
      responses[std::to_string(code)] = std::move(r);
    }
    op["responses"] = std::move(responses);
    if (route.access == Access::kAuthenticated) {
      op["security"] = json::array{json::object{{"bearerAuth", json::array{}}},
                                   json::object{{"sessionCookie", json::array{}}}};
    } else {
      op["security"] = json::array{};
    }
    json::value& item = paths[route.pattern];
    if (!item.is_object()) item.emplace_object();
    item.as_object()[lower(method_name(route.method))] = std::move(op);
  }
  json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = json::object{
      {"title", "InsightCRM API"},
      {"version", version},
      {"description",
       "Records of the CRM over HTTP. Errors are application/problem+json (RFC 9457); lists "
       "are paginated by cursor (?limit=&cursor=)."}};
  doc["paths"] = std::move(paths);
  // The records as served, from their field tables (store/schema/).
  json::object schemas{{"Problem", problem_schema()}};
  for (store::Entity e : store::kAllEntities)
    schemas[schema_name(e)] = schema_or_object(record_schema(e));
  doc["components"] = json::object{
      {"schemas", std::move(schemas)},
      {"securitySchemes",
       json::object{
           {"bearerAuth", json::object{{"type", "http"}, {"scheme", "bearer"}}},
           {"sessionCookie",
            json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", "icrm_session"}}}}}};
  return doc;
}

void add_openapi_route(Router& router, std::string version) {
  const Router* self = &router;
  router.add(
      Method::kGet, "/api/v1/openapi.json",
      [self, version](const Request&) -> Result<Response> {
        return Response::json(200, json::serialize(openapi_document(*self, version)));
      },
      {.summary = "This OpenAPI 3.1 description of every route",
       .tag = "meta",
       .responses = {200},
       .response_schema = R"({"type":"object"})"},
      Access::kPublic);
}

}  // namespace icrm::api
