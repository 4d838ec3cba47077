#include "api/health_routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace icrm::api {

void add_health_routes(Router& router, store::Database& db, const Metrics& metrics) {
  router.add(
      Method::kGet, "/healthz",
      [](const Request&) -> Result<Response> { return Response::json(200, R"({"status":"ok"})"); },
      {.summary = "Liveness: the process is up and answering",
       .tag = "operations",
       .responses = {200},
       .response_schema = R"({"type":"object","properties":{"status":{"const":"ok"}}})"},
      Access::kPublic);

  router.add(
      Method::kGet, "/readyz",
      [&db](const Request&) -> Result<Response> {
        if (auto ping = db.ping(); !ping) {
          return Error::unavailable("the database does not answer: " + ping.error().message);
        }
        auto version = db.schema_version();
        if (!version) return Error::unavailable("cannot read the schema version");
        int latest = store::Database::latest_schema_version();
        if (*version != latest) {
          return Error::unavailable("the database schema is at version " +
                                    std::to_string(*version) + ", this build needs " +
                                    std::to_string(latest) + "; run `insightcrm migrate`");
        }
        boost::json::object body{{"status", "ready"}, {"schema_version", *version}};
        return Response::json(200, boost::json::serialize(body));
      },
      {.summary = "Readiness: the database answers and its schema is migrated",
       .tag = "operations",
       .responses = {200, 503},
       .response_schema =
           R"({"type":"object","properties":{"status":{"const":"ready"},"schema_version":{"type":"integer"}}})"},
      Access::kPublic);

  router.add(
      Method::kGet, "/metrics",
      [&metrics](const Request&) -> Result<Response> {
        return Response::text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
      },
      {.summary = "Prometheus metrics: requests, latency, connections, database pool",
       .tag = "operations",
       .responses = {200}},
      Access::kPublic);
}

}  // namespace icrm::api
