// The auth routes and the authentication middleware through a Router, without
// a socket, on both engines.
#include "api/auth_routes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <latch>
#include <thread>

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
  for (int i = 0; i < auth::kAccountAddressBackoff.free_attempts; ++i) {
    auto r = login("wrong password!");
    ASSERT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find(auth::Authenticator::kBadCredentials), std::string::npos);
  }
  auto limited = login();
  EXPECT_EQ(limited.status, 429);
  auto retry = limited.headers.get("Retry-After");
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(std::stoi(std::string(*retry)), auth::kAccountAddressBackoff.first_delay.count());
}

TEST_P(AuthRoutesTest, ForwardedForCountsOnlyFromTheTrustedProxy) {
  Router behind_proxy;
  behind_proxy.use(make_auth_middleware(authenticator_));
  add_auth_routes(behind_proxy, authenticator_, {.trusted_proxy = "10.1.2.3"});
  auto from = [&](Router& router, const std::string& forwarded_for, const std::string& password) {
    Request r;
    r.method = Method::kPost;
    r.method_text = "POST";
    EXPECT_TRUE(r.set_target("/api/v1/auth/login").ok());
    r.remote_address = "10.1.2.3";
    r.headers.set("Content-Type", "application/json");
    r.headers.set("X-Forwarded-For", forwarded_for);
    r.body = R"({"email":"ada@example.com","password":")" + password + R"("})";
    return router.handle(r);
  };
  // Through the trusted proxy, one client's failures do not hold back another.
  for (int i = 0; i < auth::kAccountAddressBackoff.free_attempts; ++i)
    EXPECT_EQ(from(behind_proxy, "198.51.100.1", "wrong password!").status, 401);
  EXPECT_EQ(from(behind_proxy, "198.51.100.1", kPassword).status, 429);
  EXPECT_EQ(from(behind_proxy, "198.51.100.2", kPassword).status, 200);
  // Without a trusted proxy the header is anyone's claim: the peer counts.
  for (int i = 0; i < auth::kAccountAddressBackoff.free_attempts; ++i)
    EXPECT_EQ(from(router_, "198.51.100." + std::to_string(10 + i), "wrong password!").status, 401);
  EXPECT_EQ(from(router_, "198.51.100.99", kPassword).status, 429);
}

TEST_P(AuthRoutesTest, AFullPasswordPoolIs503WithRetryAfter) {
  auth::AuthConfig config;
  config.password_cost = auth::PasswordCost::minimum();
  config.password_pool = std::make_shared<BoundedExecutor>(1, 0);
  auto busy_auth = std::make_shared<auth::Authenticator>(db(), clock_, config);
  Router router;
  router.use(make_auth_middleware(busy_auth));
  add_auth_routes(router, busy_auth);
  std::latch release(1);
  std::atomic<bool> busy{false};
  std::thread holder([&] {
    config.password_pool->run([&] {
      busy = true;
      release.wait();
    });
  });
  while (!busy.load()) std::this_thread::yield();
  Request r;
  r.method = Method::kPost;
  r.method_text = "POST";
  EXPECT_TRUE(r.set_target("/api/v1/auth/login").ok());
  r.headers.set("Content-Type", "application/json");
  r.body = R"({"email":"ada@example.com","password":"correct horse battery"})";
  auto refused = router.handle(r);
  release.count_down();
  holder.join();
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.content_type, "application/problem+json");
  ASSERT_TRUE(refused.headers.get("Retry-After").has_value());
  EXPECT_EQ(*refused.headers.get("Retry-After"), "1");
  EXPECT_EQ(router.handle(r).status, 200);
}

TEST_P(AuthRoutesTest, SecureCookiesAreHostPrefixedAndOnlyThoseCount) {
  Router secure;
  secure.use(make_auth_middleware(authenticator_, true));
  add_auth_routes(secure, authenticator_, {.secure_cookies = true});
  Request r;
  r.method = Method::kPost;
  r.method_text = "POST";
  EXPECT_TRUE(r.set_target("/api/v1/auth/login").ok());
  r.headers.set("Content-Type", "application/json");
  r.body = R"({"email":"ada@example.com","password":"correct horse battery"})";
  auto in = secure.handle(r);
  ASSERT_EQ(in.status, 200) << in.body;
  std::string set(*in.headers.get("Set-Cookie"));
  EXPECT_EQ(set.rfind("__Host-icrm_session=", 0), 0u) << set;
  EXPECT_NE(set.find("; Secure"), std::string::npos);
  EXPECT_NE(set.find("Path=/"), std::string::npos);
  EXPECT_EQ(set.find("Domain"), std::string::npos);
  const std::string cookie = set.substr(0, set.find(';'));
  const std::string token = cookie.substr(cookie.find('=') + 1);
  Request me;
  me.method = Method::kGet;
  me.method_text = "GET";
  EXPECT_TRUE(me.set_target("/api/v1/me").ok());
  me.headers.set("Cookie", cookie);
  EXPECT_EQ(secure.handle(me).status, 200);
  me.headers.set("Cookie", "icrm_session=" + token);
  EXPECT_EQ(secure.handle(me).status, 401) << "the unprefixed name is not read";
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

  EXPECT_EQ(std::string(body["expires_at"].as_string()),
            format_timestamp(clock_.now() + auth::kApiTokenLifetime));

  std::vector<std::pair<std::string, std::string>> script = {{"Authorization", "Bearer " + token}};
  auto me = call(Method::kGet, "/api/v1/me", "", script);
  ASSERT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("api_token"), std::string::npos);
  // A key cannot mint keys (a leaked one would outlive its revocation).
  auto minted = call(Method::kPost, "/api/v1/tokens", R"({"name":"second"})", script);
  EXPECT_EQ(minted.status, 403) << minted.body;
  // Bearer writes need no CSRF header.
  auto second =
      call(Method::kPost, "/api/v1/tokens", R"({"name":"second","expires_in_days":7})", browser);
  ASSERT_EQ(second.status, 201) << second.body;
  const int64_t second_id = boost::json::parse(second.body).as_object()["id"].as_int64();
  EXPECT_EQ(call(Method::kDelete, "/api/v1/tokens/" + std::to_string(second_id), "", script).status,
            204);
  EXPECT_EQ(call(Method::kPost, "/api/v1/tokens", R"({"name":"x","expires_in_days":366})", browser)
                .status,
            400);

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

TEST_P(AuthRoutesTest, MySessionsAreListedAndEndedOneOrAllOthers) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) {
    auto in = login();
    ASSERT_EQ(in.status, 200) << in.body;
    tokens.emplace_back(boost::json::parse(in.body).as_object()["token"].as_string());
  }
  auto as = [](const std::string& t) {
    return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + t}};
  };
  auto listed = call(Method::kGet, "/api/v1/me/sessions", "", as(tokens[0]));
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto items = boost::json::parse(listed.body).as_object()["items"].as_array();
  ASSERT_EQ(items.size(), 3u);
  int64_t current = 0, newest = items[0].as_object()["id"].as_int64();
  for (const auto& item : items) {
    EXPECT_EQ(item.as_object().at("client_address").as_string(), "10.1.2.3");
    EXPECT_FALSE(item.as_object().contains("token_hash"));
    if (item.as_object().at("current").as_bool()) current = item.as_object().at("id").as_int64();
  }
  EXPECT_NE(current, 0);
  EXPECT_EQ(listed.body.find(tokens[0]), std::string::npos);

  // End the newest (tokens[2]) by id; someone else's id is not found.
  EXPECT_EQ(call(Method::kDelete, "/api/v1/me/sessions/999999", "", as(tokens[0])).status, 404);
  EXPECT_EQ(
      call(Method::kDelete, "/api/v1/me/sessions/" + std::to_string(newest), "", as(tokens[0]))
          .status,
      204);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", as(tokens[2])).status, 401);
  // End all others: only this one stays.
  auto others = call(Method::kDelete, "/api/v1/me/sessions", "", as(tokens[0]));
  ASSERT_EQ(others.status, 200) << others.body;
  EXPECT_EQ(boost::json::parse(others.body).as_object()["ended"].as_int64(), 1);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", as(tokens[1])).status, 401);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", as(tokens[0])).status, 200);
}

TEST_P(AuthRoutesTest, ChangeMyPasswordNeedsTheCurrentOneAndASession) {
  auto in = login();
  ASSERT_EQ(in.status, 200);
  const std::string session(boost::json::parse(in.body).as_object()["token"].as_string());
  std::vector<std::pair<std::string, std::string>> me = {{"Authorization", "Bearer " + session}};
  auto key = call(Method::kPost, "/api/v1/tokens", R"({"name":"ci"})", me);
  ASSERT_EQ(key.status, 201);
  const std::string api_key(boost::json::parse(key.body).as_object()["token"].as_string());
  std::vector<std::pair<std::string, std::string>> script = {
      {"Authorization", "Bearer " + api_key}};

  const std::string change =
      R"({"current_password":"correct horse battery","new_password":"another long passphrase"})";
  EXPECT_EQ(call(Method::kPost, "/api/v1/me/password", change, script).status, 403);
  auto wrong = call(Method::kPost, "/api/v1/me/password",
                    R"({"current_password":"nope","new_password":"another long passphrase"})", me);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("current_password"), std::string::npos);
  auto weak = call(Method::kPost, "/api/v1/me/password",
                   R"({"current_password":"correct horse battery","new_password":"short"})", me);
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.body.find("new_password"), std::string::npos);

  auto changed = call(Method::kPost, "/api/v1/me/password", change, me);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(boost::json::parse(changed.body).as_object()["tokens_revoked"].as_int64(), 1);
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", me).status, 200) << "this session stays";
  EXPECT_EQ(call(Method::kGet, "/api/v1/me", "", script).status, 401) << "keys are revoked";
  EXPECT_EQ(login().status, 401);
  EXPECT_EQ(login("another long passphrase").status, 200);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuthRoutesTest);

}  // namespace
}  // namespace icrm::api
