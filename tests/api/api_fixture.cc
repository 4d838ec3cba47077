#include "tests/api/api_fixture.h"

#include <gtest/gtest.h>

#include "api/auth/credentials.h"
#include "api/auth/password.h"
#include "api/response_stream.h"
#include "store/user_store.h"

namespace icrm::testing {

const char* principal_name(Principal p) {
  switch (p) {
    case Principal::kAdmin:
      return "admin";
    case Principal::kManager:
      return "manager";
    case Principal::kRep:
      return "rep";
    case Principal::kViewer:
      return "viewer";
    case Principal::kNone:
      return "no login";
    case Principal::kExpiredSession:
      return "expired session";
    case Principal::kRevokedToken:
      return "revoked token";
  }
  return "?";
}

const char* credential_name(Credential c) {
  return c == Credential::kBearer ? "Bearer API key" : "session cookie + CSRF header";
}

void ApiTest::TearDown() {
  router_.reset();
  live_.reset();
  events_.reset();
  StoreTest::TearDown();
}

void ApiTest::SetUp() {
  StoreTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  api::auth::AuthConfig& config = auth_config_;
  config.password_cost = api::auth::PasswordCost::minimum();
  auto events = app::EventIngestor::start(db(), clock_, bus_);
  ASSERT_TRUE(events.ok()) << events.error().to_string();
  events_ = std::move(*events);
  live_ = std::make_unique<api::SseHub>(bus_, clock_);
  router_ = api::build_api_router({.db = db(),
                                   .metrics = metrics_,
                                   .clock = clock_,
                                   .web_dir = "/nonexistent",
                                   .auth = config,
                                   .events = events_.get(),
                                   .live = live_.get()});
  store::UserStore users(db(), clock_);
  api::auth::Authenticator auth(db(), clock_, config);
  auto hash = api::auth::hash_password("correct horse battery", config.password_cost);
  ASSERT_TRUE(hash.ok());
  const std::pair<Principal, store::Role> roles[] = {{Principal::kAdmin, store::Role::kAdmin},
                                                     {Principal::kManager, store::Role::kManager},
                                                     {Principal::kRep, store::Role::kRep},
                                                     {Principal::kViewer, store::Role::kViewer}};
  for (auto [p, role] : roles) {
    std::string email = std::string(principal_name(p)) + "@example.com";
    auto u = users.create(store::Actor::system(), {email, principal_name(p), role, *hash});
    ASSERT_TRUE(u.ok()) << u.error().to_string();
    user_ids_[p] = u->id;
  }
  // A session that then expires: signed in, then idle past the limit.
  auto login = auth.login("viewer@example.com", "correct horse battery", "127.0.0.1");
  ASSERT_TRUE(login.ok());
  tokens_[Principal::kExpiredSession] = login.success->session_token;
  clock_.advance(config.session_idle_timeout + std::chrono::seconds(1));
  for (auto [p, role] : roles) {
    auto user = users.get(user_ids_[p]);
    ASSERT_TRUE(user.ok());
    auto key = auth.create_api_token(*user, "tests");
    ASSERT_TRUE(key.ok()) << key.error().to_string();
    tokens_[p] = key->token;
  }
  for (auto [p, role] : roles) renew_session(p);
  // The dead credentials as cookies: the expired session's token, and the
  // revoked API key (no session has it).
  sessions_[Principal::kExpiredSession] = tokens_[Principal::kExpiredSession];
  auto admin = users.get(user_ids_[Principal::kAdmin]);
  auto revoked = auth.create_api_token(*admin, "revoked");
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(auth.revoke_api_token(*admin, revoked->record.id).ok());
  tokens_[Principal::kRevokedToken] = revoked->token;
  sessions_[Principal::kRevokedToken] = revoked->token;
}

void ApiTest::renew_session(Principal p) {
  api::auth::Authenticator auth(db(), clock_, auth_config_);
  auto login = auth.login(std::string(principal_name(p)) + "@example.com", "correct horse battery",
                          "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.error.to_string();
  sessions_[p] = login.success->session_token;
}

api::Response ApiTest::call(Principal as, api::Method method, const std::string& target,
                            const std::string& body,
                            std::vector<std::pair<std::string, std::string>> headers) {
  api::Request r;
  r.method = method;
  r.method_text = std::string(api::method_name(method));
  auto t = r.set_target(target);
  EXPECT_TRUE(t.ok()) << target;
  r.remote_address = "127.0.0.1";
  if (!body.empty()) r.headers.set("Content-Type", "application/json");
  authenticate(r, as);
  for (auto& [k, v] : headers) r.headers.set(k, v);
  r.body = body;
  api::Response response = router_->handle(r);
  // A download written a page at a time (a CSV export) is read to its end
  // here, as the server would write it; `stream` stays set, so a test can
  // tell. Other streams (server-sent events) never end: left to the test.
  if (response.stream && response.stream->chunked()) {
    response.stream->open([] {});
    while (response.stream->take(response.body)) {
    }
    EXPECT_TRUE(response.stream->complete()) << target;
    response.stream->close();
  }
  return response;
}

void ApiTest::authenticate(api::Request& r, Principal as) const {
  if (as == Principal::kNone) return;
  if (credential_ == Credential::kBearer) {
    r.headers.set("Authorization", "Bearer " + tokens_.at(as));
    return;
  }
  r.headers.set("Cookie", std::string(api::auth::kSessionCookieName) + "=" + sessions_.at(as));
  r.headers.set(std::string(api::auth::kCsrfHeaderName), std::string(api::auth::kCsrfHeaderValue));
}

int64_t ApiTest::create(const std::string& collection, const std::string& body, Principal as) {
  auto r = post(as, collection, body);
  EXPECT_EQ(r.status, 201) << collection << " " << body << ": " << r.body;
  if (r.status != 201) return 0;
  return json(r).at("id").as_int64();
}

}  // namespace icrm::testing
