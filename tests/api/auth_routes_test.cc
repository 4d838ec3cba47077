// The auth routes and the authentication middleware through a Router, without
// a socket, on both engines.
#include "api/auth_routes.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/auth_middleware.h"
#include "tests/support/test_database.h"

namespace icrm::api {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

constexpr const char* kPassword = "correct horse battery";

class AuthRoutesTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auth::AuthConfig config;
    config.password_cost = auth::PasswordCost::minimum();
    authenticator_ = std::make_shared<auth::Authenticator>(db(), clock_, config);
    router_.use(make_auth_middleware(authenticator_));
    add_auth_routes(router_, authenticator_);
    store::UserStore users(db(), clock_);
    auto hash = auth::hash_password(kPassword, auth::PasswordCost::minimum());
    ASSERT_TRUE(
        users.create(store::Actor::system(), {"ada@example.com", "Ada", store::Role::kRep, *hash})
            .ok());
  }

  Response call(Method method, const std::string& target, const std::string& body = "",
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = method;
    r.method_text = std::string(method_name(method));
    EXPECT_TRUE(r.set_target(target).ok());
    r.remote_address = "10.1.2.3";
    if (!body.empty()) r.headers.set("Content-Type", "application/json");
    for (auto& [k, v] : headers) r.headers.set(k, v);
    r.body = body;
    return router_.handle(r);
  }
  Response login(const std::string& password = kPassword) {
    return call(Method::kPost, "/api/v1/auth/login",
                R"({"email":"ada@example.com","password":")" + password + R"("})");
  }
  static std::string cookie_of(const Response& r) {
    auto set = r.headers.get("Set-Cookie");
    if (!set) return "";
    std::string v(*set);
    return v.substr(0, v.find(';'));
  }

  ManualClock clock_{sys_days{std::chrono::year{2026} / 11 / 23} + 9h};
  std::shared_ptr<auth::Authenticator> authenticator_;
  Router router_;
};

TEST_P(AuthRoutesTest, LoginSetsAStrictHttpOnlyCookieThatAuthenticates) {
  auto r = login();
  ASSERT_EQ(r.status, 200) << r.body;
  auto set = std::string(*r.headers.get("Set-Cookie"));
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body["user"].as_object()["email"].as_string(), "ada@example.com");
  EXPECT_EQ(body["user"].as_object()["role"].as_string(), "rep");
  EXPECT_FALSE(body.contains("password_hash"));
  EXPECT_EQ(body["user"].as_object().count("password_hash"), 0u);

  auto me = call(Method::kGet, "/api/v1/me", "", {{"Cookie", cookie_of(r)}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find("session_cookie"), std::string::npos);
  auto bearer = call(Method::kGet, "/api/v1/me", "",
                     {{"Authorization", "Bearer " + std::string(body["token"].as_string())}});
  EXPECT_EQ(bearer.status, 200) << bearer.body;
}

TEST_P(AuthRoutesTest, BadLoginsAre401AndThenRateLimitedWithRetryAfter) {
  for (int i = 0; i < auth::kMaxFailuresPerAccount; ++i) {
    auto r = login("wrong password!");
    ASSERT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find(auth::Authenticator::kBadCredentials), std::string::npos);
  }
  auto limited = login();
  EXPECT_EQ(limited.status, 429);
  auto retry = limited.headers.get("Retry-After");
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(std::stoi(std::string(*retry)), std::chrono::seconds(auth::kLoginWindow).count());
}

TEST_P(AuthRoutesTest, LoginNamesUnknownAndMissingFields) {
  auto r = call(Method::kPost, "/api/v1/auth/login", R"({"email":"ada@example.com","pw":"x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("password"), std::string::npos);
  EXPECT_NE(r.body.find("pw"), std::string::npos);
}

TEST_P(AuthRoutesTest, WithoutCredentialsEverythingButLoginIs401) {
  EXPECT_EQ(call(Method::kGet, "/api/v1/me").status, 401);
  EXPECT_EQ(call(Method::kGet, "/api/v1/tokens").status, 401);
  EXPECT_EQ(call(Method::kPost, "/api/v1/auth/logout").status, 401);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", {{"Authorization", "Bearer icrm_forged"}}).status,
            401);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", {{"Authorization", "Basic eDp5"}}).status, 401);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", {{"Cookie", "icrm_session=forged"}}).status, 401);
}

TEST_P(AuthRoutesTest, CookieWritesNeedTheCsrfHeader) {
  std::string cookie = cookie_of(login());
  auto bare = call(Method::kPost, "/api/v1/tokens", R"({"name":"ci"})", {{"Cookie", cookie}});
  EXPECT_EQ(bare.status, 403) << bare.body;
  auto ok = call(Method::kPost, "/api/v1/tokens", R"({"name":"ci"})",
                 {{"Cookie", cookie}, {"X-Requested-With", "InsightCRM"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  auto cross = call(Method::kPost, "/api/v1/tokens", R"({"name":"ci"})",
                    {{"Cookie", cookie},
                     {"X-Requested-With", "InsightCRM"},
                     {"Origin", "https://evil.example"},
                     {"Host", "crm.example.com"}});
  EXPECT_EQ(cross.status, 403);
  auto foreign_login = call(Method::kPost, "/api/v1/auth/login",
                            R"({"email":"ada@example.com","password":"correct horse battery"})",
                            {{"Origin", "https://evil.example"}, {"Host", "crm.example.com"}});
  EXPECT_EQ(foreign_login.status, 403);
}

TEST_P(AuthRoutesTest, ApiTokensShownOnceListedAndRevoked) {
  std::string cookie = cookie_of(login());
  std::vector<std::pair<std::string, std::string>> browser = {{"Cookie", cookie},
                                                              {"X-Requested-With", "InsightCRM"}};
  auto created = call(Method::kPost, "/api/v1/tokens", R"({"name":"nightly"})", browser);
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = boost::json::parse(created.body).as_object();
  std::string token(body["token"].as_string());
  int64_t id = body["id"].as_int64();

  std::vector<std::pair<std::string, std::string>> script = {{"Authorization", "Bearer " + token}};
  auto me = call(Method::kGet, "/api/v1/me", "", script);
  ASSERT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("api_token"), std::string::npos);
  // Bearer writes need no CSRF header.
  EXPECT_EQ(call(Method::kPost, "/api/v1/tokens", R"({"name":"second"})", script).status, 201);

  auto listed = call(Method::kGet, "/api/v1/tokens", "", browser);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(token), std::string::npos) << "the secret is never listed";
  EXPECT_NE(listed.body.find("nightly"), std::string::npos);

  EXPECT_EQ(call(Method::kDelete, "/api/v1/tokens/abc", "", browser).status, 400);
  EXPECT_EQ(call(Method::kDelete, "/api/v1/tokens/999999", "", browser).status, 404);
  EXPECT_EQ(call(Method::kDelete, "/api/v1/tokens/" + std::to_string(id), "", browser).status, 204);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", script).status, 401);
}

TEST_P(AuthRoutesTest, LogoutEndsTheSessionAndClearsTheCookie) {
  std::string cookie = cookie_of(login());
  auto out = call(Method::kPost, "/api/v1/auth/logout", "",
                  {{"Cookie", cookie}, {"X-Requested-With", "InsightCRM"}});
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_NE(std::string(*out.headers.get("Set-Cookie")).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", {{"Cookie", cookie}}).status, 401);
}

TEST_P(AuthRoutesTest, ExpiredSessionIs401) {
  std::string cookie = cookie_of(login());
  clock_.advance(auth::kSessionIdleTimeout);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", {{"Cookie", cookie}}).status, 401);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuthRoutesTest);

}  // namespace
}  // namespace icrm::api
