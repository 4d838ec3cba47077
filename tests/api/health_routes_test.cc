#include "api/health_routes.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tests/support/test_database.h"

namespace icrm::api {
namespace {

Response get(const Router& router, const std::string& target) {
  Request r;
  r.method = Method::kGet;
  EXPECT_TRUE(r.set_target(target));
  return router.handle(r);
}

class HealthRoutesTest : public testing::StoreTest {};

TEST_P(HealthRoutesTest, HealthzAndReadyzAnswerOnAMigratedDatabase) {
  Router router;
  Metrics metrics;
  add_health_routes(router, db(), metrics);
  EXPECT_EQ(get(router, "/healthz").status, 200);
  Response ready = get(router, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(boost::json::parse(ready.body).at("schema_version").as_int64(),
            store::Database::latest_schema_version());
}

TEST_P(HealthRoutesTest, ReadyzIs503UntilMigrated) {
  std::string why;
  auto fresh = testing::TestDatabase::create(GetParam(), &why, /*migrate=*/false);
  ASSERT_NE(fresh, nullptr) << why;
  Router router;
  Metrics metrics;
  add_health_routes(router, fresh->db(), metrics);
  Response r = get(router, "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_NE(r.body.find("insightcrm migrate"), std::string::npos) << r.body;
  EXPECT_TRUE(r.headers.get("Retry-After"));
  ASSERT_TRUE(fresh->db().migrate());
  EXPECT_EQ(get(router, "/readyz").status, 200);
}

TEST_P(HealthRoutesTest, MetricsReportRequestsAndPool) {
  Router router;
  Metrics metrics;
  metrics.set_pool_gauge([this] { return std::pair(db().leases_in_use(), db().pool_size()); });
  add_health_routes(router, db(), metrics);
  metrics.record_request("/api/v1/leads/{id}", "GET", 200, std::chrono::microseconds(700));
  metrics.record_request("/api/v1/leads/{id}", "GET", 404, std::chrono::milliseconds(3));
  metrics.connection_opened();
  Response r = get(router, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& t = r.body;
  EXPECT_NE(
      t.find(
          "icrm_http_requests_total{route=\"/api/v1/leads/{id}\",method=\"GET\",status=\"404\"} 1"),
      std::string::npos)
      << t;
  EXPECT_NE(t.find("icrm_http_request_duration_seconds_bucket{route=\"/api/v1/leads/"
                   "{id}\",method=\"GET\",le=\"0.001\"} 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("icrm_http_request_duration_seconds_bucket{route=\"/api/v1/leads/"
                   "{id}\",method=\"GET\",le=\"0.005\"} 2"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("icrm_http_open_connections 1"), std::string::npos);
  EXPECT_NE(t.find("icrm_db_pool_connections " + std::to_string(db().pool_size())),
            std::string::npos)
      << t;
  {
    auto lease = db().lease();
    ASSERT_TRUE(lease);
    EXPECT_NE(get(router, "/metrics").body.find("icrm_db_pool_connections_in_use 1"),
              std::string::npos);
  }
  EXPECT_NE(get(router, "/metrics").body.find("icrm_db_pool_connections_in_use 0"),
            std::string::npos);
}

TEST_P(HealthRoutesTest, MetricsRenderCountersKeptElsewhereAtTheirCurrentValue) {
  Router router;
  Metrics metrics;
  int64_t stored = 7;
  metrics.add_counter("icrm_kafka_events_stored_total", "Events from Kafka newly stored.",
                      [&stored] { return stored; });
  add_health_routes(router, db(), metrics);
  EXPECT_NE(get(router, "/metrics")
                .body.find("# TYPE icrm_kafka_events_stored_total counter\n"
                           "icrm_kafka_events_stored_total 7\n"),
            std::string::npos);
  stored = 8;
  EXPECT_NE(get(router, "/metrics").body.find("icrm_kafka_events_stored_total 8\n"),
            std::string::npos);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(HealthRoutesTest);

}  // namespace
}  // namespace icrm::api
