// Sign-in, sessions, API tokens and the failed-login limiter, on both
// engines, with a ManualClock: no test sleeps.
#include "api/auth/authenticator.h"

#include <gtest/gtest.h>

#include "api/auth/token.h"
#include "tests/support/test_database.h"

namespace icrm::api::auth {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

constexpr const char* kPassword = "correct horse battery";

class AuthenticatorTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    config_.password_cost = PasswordCost::minimum();
    auth_ = std::make_unique<Authenticator>(db(), clock_, config_);
    ada_ = add_user("ada@example.com", store::Role::kRep);
  }
  void TearDown() override {
    auth_.reset();
    StoreTest::TearDown();
  }

  store::User add_user(const std::string& email, store::Role role) {
    store::UserStore users(db(), clock_);
    auto hash = hash_password(kPassword, PasswordCost::minimum());
    auto u = users.create(store::Actor::system(), {email, "Someone", role, *hash});
    EXPECT_TRUE(u.ok()) << u.error().to_string();
    return *u;
  }

  ManualClock clock_{sys_days{std::chrono::year{2026} / 11 / 23} + 9h};
  AuthConfig config_;
  std::unique_ptr<Authenticator> auth_;
  store::User ada_;
};

TEST_P(AuthenticatorTest, LoginGivesASessionThatAuthenticates) {
  auto r = auth_->login("ADA@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok()) << r.error.to_string();
  EXPECT_EQ(r.success->user.id, ada_.id);
  EXPECT_EQ(r.success->expires_at, clock_.now() + kSessionLifetime);
  auto who = auth_->authenticate_session(r.success->session_token);
  ASSERT_TRUE(who.ok()) << who.error().to_string();
  EXPECT_EQ(who->user.email, "ada@example.com");
  EXPECT_EQ(who->method, AuthMethod::kSession);
}

TEST_P(AuthenticatorTest, TheSessionTokenIsStoredOnlyHashed) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  store::SessionStore sessions(db());
  EXPECT_TRUE(sessions.find_by_hash(hash_token(r.success->session_token)).ok());
  EXPECT_FALSE(sessions.find_by_hash(r.success->session_token).ok());
}

TEST_P(AuthenticatorTest, FailuresNeverSayWhetherTheEmailExists) {
  auto wrong_password = auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  auto unknown_email = auth_->login("nobody@example.com", kPassword, "10.0.0.1");
  ASSERT_FALSE(wrong_password.ok());
  ASSERT_FALSE(unknown_email.ok());
  EXPECT_EQ(wrong_password.error.code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong_password.error.code, unknown_email.error.code);
  EXPECT_EQ(wrong_password.error.message, unknown_email.error.message);
  EXPECT_EQ(wrong_password.error.message, Authenticator::kBadCredentials);

  store::UserStore users(db(), clock_);
  ASSERT_TRUE(users.set_disabled(store::Actor::system(), ada_.id, true).ok());
  auto disabled = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error.message, Authenticator::kBadCredentials);
}

TEST_P(AuthenticatorTest, AccountLimitGivesRetryAfterAndResetsAfterTheWindow) {
  for (int i = 0; i < kMaxFailuresPerAccount; ++i) {
    auto r = auth_->login("ada@example.com", "wrong password!", "10.0.0." + std::to_string(i));
    EXPECT_EQ(r.error.code, ErrorCode::kUnauthenticated) << i;
    clock_.advance(10s);
  }
  // The limit holds even for the right password, from a fresh address.
  auto limited = auth_->login("ada@example.com", kPassword, "10.9.9.9");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error.code, ErrorCode::kRateLimited);
  // The window began at the first failure, 50 s ago.
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(kLoginWindow) - 50s);
  clock_.advance(limited.retry_after - 1s);
  EXPECT_EQ(auth_->login("ada@example.com", kPassword, "10.9.9.9").error.code,
            ErrorCode::kRateLimited);
  clock_.advance(1s);
  auto after = auth_->login("ada@example.com", kPassword, "10.9.9.9");
  EXPECT_TRUE(after.ok()) << after.error.to_string();
}

TEST_P(AuthenticatorTest, UnknownEmailsAreLimitedExactlyLikeKnownOnes) {
  for (int i = 0; i < kMaxFailuresPerAccount; ++i) {
    auth_->login("nobody@example.com", "wrong password!", "10.0.0." + std::to_string(i));
  }
  EXPECT_EQ(auth_->login("nobody@example.com", "x", "10.9.9.9").error.code,
            ErrorCode::kRateLimited);
}

TEST_P(AuthenticatorTest, AddressLimitCoversEveryAccountFromThatAddress) {
  for (int i = 0; i < kMaxFailuresPerAddress; ++i) {
    auth_->login("guess" + std::to_string(i) + "@example.com", "wrong password!", "192.0.2.7");
  }
  auto limited = auth_->login("ada@example.com", kPassword, "192.0.2.7");
  EXPECT_EQ(limited.error.code, ErrorCode::kRateLimited);
  EXPECT_GE(limited.retry_after, 1s);
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "192.0.2.8").ok());
}

TEST_P(AuthenticatorTest, OneBelowTheLimitStillSignsIn) {
  for (int i = 0; i < kMaxFailuresPerAccount - 1; ++i) {
    auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  }
  ASSERT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.1").ok());
  // Success cleared the account's count: the full allowance is back.
  for (int i = 0; i < kMaxFailuresPerAccount - 1; ++i) {
    auth_->login("ada@example.com", "wrong password!", "10.0.0.2");
  }
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.2").ok());
}

TEST_P(AuthenticatorTest, OversizedInputIsABadLoginNotACrash) {
  std::string huge(kMaxPasswordLength + 1, 'x');
  EXPECT_EQ(auth_->login("ada@example.com", huge, "10.0.0.1").error.code,
            ErrorCode::kUnauthenticated);
  std::string long_email(store::kMaxEmailLength + 1, 'a');
  EXPECT_EQ(auth_->login(long_email, kPassword, "10.0.0.1").error.code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->login("", "", "").error.code, ErrorCode::kUnauthenticated);
}

TEST_P(AuthenticatorTest, SessionsExpireWhenIdleAndAbsolutely) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  const std::string token = r.success->session_token;
  // Used every 11 hours, it stays alive past the idle timeout...
  for (int i = 0; i < 15; ++i) {
    clock_.advance(11h);
    ASSERT_TRUE(auth_->authenticate_session(token).ok()) << "after " << (i + 1) * 11 << " h";
  }
  // ...until the absolute lifetime (7 days = 168 h; now at 165 h, then 176 h).
  clock_.advance(11h);
  auto expired = auth_->authenticate_session(token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);

  auto idle = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(idle.ok());
  clock_.advance(kSessionIdleTimeout - 1s);
  ASSERT_TRUE(auth_->authenticate_session(idle.success->session_token).ok());
  clock_.advance(kSessionIdleTimeout);
  EXPECT_FALSE(auth_->authenticate_session(idle.success->session_token).ok());
}

TEST_P(AuthenticatorTest, LogoutAndDisablingEndSessions) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(auth_->logout(r.success->session_token).ok());
  EXPECT_FALSE(auth_->authenticate_session(r.success->session_token).ok());
  EXPECT_TRUE(auth_->logout(r.success->session_token).ok()) << "logging out twice is fine";

  auto again = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(again.ok());
  store::UserStore users(db(), clock_);
  ASSERT_TRUE(users.set_disabled(store::Actor::system(), ada_.id, true).ok());
  EXPECT_FALSE(auth_->authenticate_session(again.success->session_token).ok());
}

TEST_P(AuthenticatorTest, GarbageTokensAreRejected) {
  EXPECT_FALSE(auth_->authenticate_session("").ok());
  EXPECT_FALSE(auth_->authenticate_session("nope").ok());
  EXPECT_FALSE(auth_->authenticate_session(std::string(kMaxPresentedTokenLength + 1, 'a')).ok());
  EXPECT_FALSE(auth_->authenticate_api_token("icrm_nope").ok());
  EXPECT_FALSE(auth_->authenticate_api_token("nope").ok());
}

TEST_P(AuthenticatorTest, ApiTokensAreShownOnceStoredHashedAndRevocable) {
  auto created = auth_->create_api_token(ada_, "nightly export");
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  const std::string token = created->token;
  EXPECT_EQ(token.rfind(kApiTokenPrefix, 0), 0u);
  EXPECT_EQ(created->record.prefix, token.substr(0, kDisplayPrefixLength));
  EXPECT_EQ(created->record.token_hash, hash_token(token));

  auto who = auth_->authenticate_api_token(token);
  ASSERT_TRUE(who.ok()) << who.error().to_string();
  EXPECT_EQ(who->user.id, ada_.id);
  EXPECT_EQ(who->method, AuthMethod::kApiToken);

  auto listed = auth_->list_api_tokens(ada_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "nightly export");
  EXPECT_EQ((*listed)[0].last_used_at, clock_.now());

  // Someone else cannot revoke it (and is not told it exists); an admin can.
  store::User bob = add_user("bob@example.com", store::Role::kManager);
  EXPECT_EQ(auth_->revoke_api_token(bob, created->record.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(auth_->authenticate_api_token(token).ok());
  store::User root = add_user("root@example.com", store::Role::kAdmin);
  clock_.advance(1h);
  ASSERT_TRUE(auth_->revoke_api_token(root, created->record.id).ok());
  auto revoked = auth_->authenticate_api_token(token);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ((*auth_->list_api_tokens(ada_.id))[0].revoked_at, clock_.now());
}

TEST_P(AuthenticatorTest, ACachedApiKeyFollowsChangesHereAtOnceAndElsewhereWithinTheTtl) {
  auto key = auth_->create_api_token(ada_, "script");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(auth_->authenticate_api_token(key->token).ok());
  // Revoked by another instance: this one believes its cache until the TTL.
  Authenticator other(db(), clock_, config_);
  ASSERT_TRUE(other.revoke_api_token(ada_, key->record.id).ok());
  EXPECT_TRUE(auth_->authenticate_api_token(key->token).ok());
  clock_.advance(kApiKeyCacheTtl);
  EXPECT_EQ(auth_->authenticate_api_token(key->token).error().code, ErrorCode::kUnauthenticated);

  // Revoked through this instance: refused at once.
  auto second = auth_->create_api_token(ada_, "second");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(auth_->authenticate_api_token(second->token).ok());
  ASSERT_TRUE(auth_->revoke_api_token(ada_, second->record.id).ok());
  EXPECT_FALSE(auth_->authenticate_api_token(second->token).ok());

  // A role changed elsewhere counts once the user is forgotten here.
  auto third = auth_->create_api_token(ada_, "third");
  ASSERT_TRUE(auth_->authenticate_api_token(third->token).ok());
  store::UserStore users(db(), clock_);
  ASSERT_TRUE(users.update(store::Actor::system(), ada_.id, {.role = store::Role::kViewer}).ok());
  EXPECT_EQ(auth_->authenticate_api_token(third->token)->user.role, store::Role::kRep);
  auth_->forget_user(ada_.id);
  EXPECT_EQ(auth_->authenticate_api_token(third->token)->user.role, store::Role::kViewer);
}

TEST_P(AuthenticatorTest, ApiTokenNameAndCountLimits) {
  EXPECT_EQ(auth_->create_api_token(ada_, "").error().field, "name");
  EXPECT_EQ(
      auth_->create_api_token(ada_, std::string(kMaxApiTokenNameLength + 1, 'n')).error().code,
      ErrorCode::kTooLarge);
  EXPECT_TRUE(auth_->create_api_token(ada_, std::string(kMaxApiTokenNameLength, 'n')).ok());
  for (int i = 1; i < kMaxActiveApiTokensPerUser; ++i) {
    ASSERT_TRUE(auth_->create_api_token(ada_, "t" + std::to_string(i)).ok()) << i;
  }
  auto over = auth_->create_api_token(ada_, "one too many");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("revoke one first"), std::string::npos);
  auto first = (*auth_->list_api_tokens(ada_.id)).back();
  ASSERT_TRUE(auth_->revoke_api_token(ada_, first.id).ok());
  EXPECT_TRUE(auth_->create_api_token(ada_, "one too many").ok());
}

TEST_P(AuthenticatorTest, PurgeForgetsExpiredSessionsAndOldCounters) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  clock_.advance(kSessionLifetime);
  ASSERT_TRUE(auth_->purge_expired().ok());
  store::SessionStore sessions(db());
  EXPECT_EQ(sessions.find_by_hash(hash_token(r.success->session_token)).error().code,
            ErrorCode::kNotFound);
  store::LoginAttemptStore attempts(db());
  EXPECT_FALSE(attempts.get(store::AttemptScope::kAccount, "ada@example.com")->has_value());
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuthenticatorTest);

}  // namespace
}  // namespace icrm::api::auth
