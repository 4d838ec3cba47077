// The records API over real sockets: the whole router behind HttpServer on
// port 0, on SQLite and PostgreSQL, called byte for byte as a client would.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/http_server.h"
#include "api/limits.h"
#include "tests/api/api_fixture.h"
#include "tests/api/raw_http_client.h"

namespace icrm::api {
namespace {

using testing::Principal;
using testing::RawHttpClient;
using testing::RawResponse;

class ApiServerTest : public testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    auto s = HttpServer::start(options, router(), metrics_);
    ASSERT_TRUE(s) << s.error().to_string();
    server_ = std::move(s).value();
  }
  void TearDown() override {
    server_.reset();
    ApiTest::TearDown();
  }
  std::string auth(Principal p, bool json_body = false) {
    std::string h = "Authorization: Bearer " + token(p) + "\r\n";
    if (json_body) h += "Content-Type: application/json\r\n";
    return h;
  }
  static boost::json::object body_of(const RawResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_P(ApiServerTest, ACustomerRoundTripOnOneKeepAliveConnection) {
  RawHttpClient c(server_->port());
  ASSERT_TRUE(c.connected());
  auto created = c.request("POST", "/api/v1/customers",
                           R"({"name":"Zoë <b>&amp;</b> 'quoted'","country":"FR"})",
                           auth(Principal::kManager, true));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  std::string location = created->header("location");
  ASSERT_FALSE(location.empty());
  auto read = c.request("GET", location, "", auth(Principal::kRep));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(read->header("content-type"), "application/json");
  EXPECT_EQ(body_of(*read).at("name").as_string(), "Zoë <b>&amp;</b> 'quoted'");
  auto patched =
      c.request("PATCH", location, R"({"country":"DE"})", auth(Principal::kManager, true));
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  auto listed =
      c.request("GET", "/api/v1/customers?country=DE&limit=1", "", auth(Principal::kViewer));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  EXPECT_EQ(body_of(*listed).at("items").as_array().size(), 1u);
  auto deleted = c.request("DELETE", location, "", auth(Principal::kAdmin));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  auto gone = c.request("GET", location, "", auth(Principal::kAdmin));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(gone->header("content-type"), "application/problem+json");
}

TEST_P(ApiServerTest, WithoutCredentialsIs401WithAChallenge) {
  RawHttpClient c(server_->port());
  auto r = c.request("GET", "/api/v1/leads");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("www-authenticate"), "Bearer realm=\"insightcrm\"");
  auto revoked = c.request("GET", "/api/v1/leads", "", auth(Principal::kRevokedToken));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 401);
}

TEST_P(ApiServerTest, HostileBodiesOverTheWireAre400And413AndTheConnectionServesOn) {
  RawHttpClient c(server_->port());
  auto broken = c.request("POST", "/api/v1/leads", std::string("{\"name\":\"\xFF\xFE\"}"),
                          auth(Principal::kAdmin, true));
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400);
  auto unknown = c.request("POST", "/api/v1/leads", R"({"name":"x","priority":"high"})",
                           auth(Principal::kAdmin, true));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("\"field\":\"priority\""), std::string::npos) << unknown->body;
  auto fine = c.request("GET", "/api/v1/leads", "", auth(Principal::kViewer));
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200) << "the connection still serves";

  // One past the body limit on a resource route: refused before it is read.
  RawHttpClient big(server_->port());
  std::string body = R"({"name":")" + std::string(kDefaultMaxBodyBytes, 'x') + R"("})";
  auto past = big.request("POST", "/api/v1/leads", body, auth(Principal::kAdmin, true));
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 413);
}

TEST_P(ApiServerTest, ARepsHiddenLeadIs404OverTheWireToo) {
  int64_t other = create("/api/v1/leads", R"({"name":"theirs","owner_id":)" +
                                              std::to_string(user_id(Principal::kManager)) + "}");
  RawHttpClient c(server_->port());
  auto r = c.request("GET", "/api/v1/leads/" + std::to_string(other), "", auth(Principal::kRep));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  auto status = c.request("POST", "/api/v1/leads/" + std::to_string(other) + "/status",
                          R"({"status":"contacted"})", auth(Principal::kManager, true));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200) << status->body;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ApiServerTest);

}  // namespace
}  // namespace icrm::api
