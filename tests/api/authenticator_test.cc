// Sign-in, sessions, API tokens and the failed-login limiter, on both
// engines, with a ManualClock: no test sleeps.
#include "api/auth/authenticator.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <latch>
#include <map>
#include <sstream>
#include <thread>

#include "api/auth/token.h"
#include "store/audit_log.h"
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

TEST_P(AuthenticatorTest, FailuresElsewhereDoNotLockTheOwnerOut) {
  // Before: five failures from anywhere locked the account for everyone.
  for (int i = 0; i < 3 * kAccountAddressBackoff.free_attempts; ++i) {
    auto r = auth_->login("ada@example.com", "wrong password!", "10.0.0." + std::to_string(i));
    EXPECT_EQ(r.error.code, ErrorCode::kUnauthenticated) << i;
  }
  auto owner = auth_->login("ada@example.com", kPassword, "10.9.9.9");
  EXPECT_TRUE(owner.ok()) << owner.error.to_string();
}

TEST_P(AuthenticatorTest, FailuresFromOneAddressGetDoublingDelaysUpToTheCap) {
  const auto& backoff = kAccountAddressBackoff;
  for (int i = 0; i < backoff.free_attempts; ++i) {
    auto r = auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
    EXPECT_EQ(r.error.code, ErrorCode::kUnauthenticated) << i;
  }
  // Then each failure doubles the wait, even for the right password.
  std::chrono::seconds expected = backoff.first_delay;
  for (int round = 0; round < 14; ++round) {
    auto limited = auth_->login("ada@example.com", kPassword, "10.0.0.1");
    ASSERT_EQ(limited.error.code, ErrorCode::kRateLimited) << round;
    EXPECT_EQ(limited.retry_after, expected) << round;
    clock_.advance(limited.retry_after);
    EXPECT_EQ(auth_->login("ada@example.com", "wrong password!", "10.0.0.1").error.code,
              ErrorCode::kUnauthenticated);
    expected = std::min(expected * 2, std::chrono::seconds(backoff.max_delay));
  }
  EXPECT_EQ(auth_->login("ada@example.com", kPassword, "10.0.0.1").retry_after, backoff.max_delay);
  // Another address is not held back, and the owner gets in once the wait is over.
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.2").ok());
  clock_.advance(backoff.max_delay);
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.1").ok());
}

TEST_P(AuthenticatorTest, UnknownEmailsAreLimitedExactlyLikeKnownOnes) {
  for (int i = 0; i < kAccountAddressBackoff.free_attempts; ++i) {
    auth_->login("nobody@example.com", "wrong password!", "10.0.0.1");
  }
  EXPECT_EQ(auth_->login("nobody@example.com", "x", "10.0.0.1").error.code,
            ErrorCode::kRateLimited);
}

TEST_P(AuthenticatorTest, AddressLimitCoversEveryAccountFromThatAddress) {
  for (int i = 0; i < kAddressBackoff.free_attempts; ++i) {
    auth_->login("guess" + std::to_string(i) + "@example.com", "wrong password!", "192.0.2.7");
  }
  auto limited = auth_->login("ada@example.com", kPassword, "192.0.2.7");
  EXPECT_EQ(limited.error.code, ErrorCode::kRateLimited);
  EXPECT_GE(limited.retry_after, 1s);
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "192.0.2.8").ok());
}

TEST_P(AuthenticatorTest, OneBelowTheLimitStillSignsIn) {
  for (int i = 0; i < kAccountAddressBackoff.free_attempts - 1; ++i) {
    auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  }
  ASSERT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.1").ok());
  // Success cleared the pair's count: the full allowance is back.
  for (int i = 0; i < kAccountAddressBackoff.free_attempts - 1; ++i) {
    auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  }
  EXPECT_TRUE(auth_->login("ada@example.com", kPassword, "10.0.0.1").ok());
}

TEST_P(AuthenticatorTest, ParallelGuessesCannotSlipPastTheCount) {
  // A real argon2 cost, so that every guess is still being checked while the
  // others arrive: before reservations, all of them read a count of zero.
  store::UserStore users(db(), clock_);
  auto slow = hash_password(kPassword, PasswordCost::interactive());
  ASSERT_TRUE(slow.ok());
  ASSERT_TRUE(users.update(store::Actor::system(), ada_.id, {.password_hash = *slow}).ok());
  AuthConfig config = config_;
  // Its own pool, to count the checks; no guess is turned away by a full one.
  config.password_pool = std::make_shared<BoundedExecutor>(2, 16);
  Authenticator auth(db(), clock_, config);
  constexpr int kGuesses = 12;
  std::latch start(kGuesses);
  std::atomic<int> checked{0}, limited{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < kGuesses; ++i) {
    guessers.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = auth.login("ada@example.com", "wrong guess " + std::to_string(i), "10.0.0.1");
      if (r.error.code == ErrorCode::kUnauthenticated) ++checked;
      if (r.error.code == ErrorCode::kRateLimited) ++limited;
    });
  }
  for (auto& t : guessers) t.join();
  EXPECT_EQ(config.password_pool->completed(),
            static_cast<uint64_t>(kAccountAddressBackoff.free_attempts))
      << "passwords checked";
  EXPECT_EQ(checked.load(), kAccountAddressBackoff.free_attempts);
  EXPECT_EQ(limited.load(), kGuesses - kAccountAddressBackoff.free_attempts);
}

TEST_P(AuthenticatorTest, AFullPasswordPoolAnswersUnavailableAndCountsNothing) {
  AuthConfig config = config_;
  config.password_pool = std::make_shared<BoundedExecutor>(1, 0);
  Authenticator auth(db(), clock_, config);
  std::latch release(1);
  std::atomic<bool> busy{false};
  std::thread holder([&] {
    config.password_pool->run([&] {
      busy = true;
      release.wait();
    });
  });
  while (!busy.load()) std::this_thread::yield();
  for (int i = 0; i < 2 * kAccountAddressBackoff.free_attempts; ++i) {
    auto r = auth.login("ada@example.com", "wrong password!", "10.0.0.1");
    EXPECT_EQ(r.error.code, ErrorCode::kUnavailable) << i;
    EXPECT_EQ(r.retry_after, 1s);
  }
  release.count_down();
  holder.join();
  // None of the refused attempts counted against the owner.
  EXPECT_TRUE(auth.login("ada@example.com", kPassword, "10.0.0.1").ok());
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
  // NIST SP 800-63B AAL2 defaults: 12 h however busy, 30 min idle.
  EXPECT_EQ(AuthConfig{}.session_lifetime, 12h);
  EXPECT_EQ(AuthConfig{}.session_idle_timeout, 30min);
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  const std::string token = r.success->session_token;
  // Used every 29 minutes, it stays alive past the idle timeout...
  for (int i = 0; i < 24; ++i) {
    clock_.advance(29min);
    ASSERT_TRUE(auth_->authenticate_session(token).ok()) << "after " << (i + 1) * 29 << " min";
  }
  // ...until the absolute lifetime (12 h = 720 min; now at 696 min, then 725).
  clock_.advance(29min);
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
  EXPECT_FALSE(auth_->create_api_token(ada_, "full again").ok());
  // Expired keys no longer count.
  clock_.advance(kApiTokenLifetime);
  EXPECT_TRUE(auth_->create_api_token(ada_, "after they expired").ok());
}

TEST_P(AuthenticatorTest, PurgeForgetsExpiredSessionsAndOldCounters) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  auth_->login("ada@example.com", "wrong password!", "10.0.0.1");
  clock_.advance(kSessionLifetime);
  store::LoginAttemptStore attempts(db());
  const store::AttemptKey pair{store::AttemptScope::kAccountAddress, "ada@example.com", "10.0.0.1"};
  ASSERT_TRUE(auth_->purge_expired().ok());
  store::SessionStore sessions(db());
  EXPECT_EQ(sessions.find_by_hash(hash_token(r.success->session_token)).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(attempts.get(pair)->has_value()) << "a failure is remembered for a day";
  clock_.advance(kAccountAddressBackoff.forget_after);
  ASSERT_TRUE(auth_->purge_expired().ok());
  EXPECT_FALSE(attempts.get(pair)->has_value());
}

TEST_P(AuthenticatorTest, PurgeRunsOnItsOwnEveryInterval) {
  auto r = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.ok());
  clock_.advance(kSessionIdleTimeout);  // idle: dead, but its row stays until purged
  store::SessionStore sessions(db());
  const std::string digest = hash_token(r.success->session_token);
  ASSERT_TRUE(sessions.find_by_hash(digest).ok());
  auth_->purge_every(std::chrono::milliseconds(10));
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    auto found = sessions.find_by_hash(digest);
    gone = !found.ok() && found.error().code == ErrorCode::kNotFound;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

TEST_P(AuthenticatorTest, ApiTokensExpire) {
  auto dflt = auth_->create_api_token(ada_, "default");
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(*dflt->record.expires_at, clock_.now() + kApiTokenLifetime);
  auto week = auth_->create_api_token(ada_, "week", std::chrono::days(7));
  ASSERT_TRUE(week.ok());
  EXPECT_EQ(auth_->create_api_token(ada_, "too long", kMaxApiTokenLifetime + std::chrono::days(1))
                .error()
                .field,
            "expires_in_days");
  EXPECT_TRUE(auth_->create_api_token(ada_, "longest", kMaxApiTokenLifetime).ok());
  ASSERT_TRUE(auth_->authenticate_api_token(week->token).ok());
  clock_.advance(std::chrono::days(7) - 1s);
  ASSERT_TRUE(auth_->authenticate_api_token(week->token).ok());
  clock_.advance(1s);  // also past what the key cache remembered
  auto expired = auth_->authenticate_api_token(week->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "the API token has expired");
  EXPECT_TRUE(auth_->authenticate_api_token(dflt->token).ok());

  // A key from before keys expired lives the longest allowed lifetime.
  store::ApiTokenRecord legacy = dflt->record;
  legacy.expires_at.reset();
  EXPECT_EQ(auth_->api_token_expiry(legacy), legacy.created_at + kMaxApiTokenLifetime);
}

TEST_P(AuthenticatorTest, ChangingThePasswordNeedsTheCurrentOneAndEndsEverythingElse) {
  auto here = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  auto elsewhere = auth_->login("ada@example.com", kPassword, "10.0.0.2");
  auto key = auth_->create_api_token(ada_, "script");
  ASSERT_TRUE(here.ok() && elsewhere.ok() && key.ok());
  auto current = auth_->authenticate_session(here.success->session_token);
  ASSERT_TRUE(current.ok());
  std::vector<int64_t> told;
  auth_->set_user_change_listener([&](int64_t id) { told.push_back(id); });

  auto wrong = auth_->change_password(ada_, current->credential_id, "not my password",
                                      "a brand new passphrase", "10.0.0.1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error.field, "current_password");
  auto weak = auth_->change_password(ada_, current->credential_id, kPassword, "short", "10.0.0.1");
  EXPECT_EQ(weak.error.field, "new_password");
  EXPECT_TRUE(auth_->authenticate_api_token(key->token).ok());

  auto changed = auth_->change_password(ada_, current->credential_id, kPassword,
                                        "a brand new passphrase", "10.0.0.1");
  ASSERT_TRUE(changed.ok()) << changed.error.to_string();
  EXPECT_EQ(changed.sessions_ended, 1);
  EXPECT_EQ(changed.tokens_revoked, 1);
  EXPECT_TRUE(auth_->authenticate_session(here.success->session_token).ok());
  EXPECT_FALSE(auth_->authenticate_session(elsewhere.success->session_token).ok());
  EXPECT_FALSE(auth_->authenticate_api_token(key->token).ok());
  EXPECT_FALSE(auth_->login("ada@example.com", kPassword, "10.0.0.3").ok());
  EXPECT_TRUE(auth_->login("ada@example.com", "a brand new passphrase", "10.0.0.3").ok());
  EXPECT_NE(std::find(told.begin(), told.end(), ada_.id), told.end());
}

TEST_P(AuthenticatorTest, GuessingTheCurrentPasswordIsLimitedLikeSigningIn) {
  auto here = auth_->login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_TRUE(here.ok());
  for (int i = 0; i < kAccountAddressBackoff.free_attempts; ++i) {
    EXPECT_EQ(
        auth_->change_password(ada_, 0, "guess", "a brand new passphrase", "10.0.0.1").error.field,
        "current_password");
  }
  auto limited = auth_->change_password(ada_, 0, kPassword, "a brand new passphrase", "10.0.0.1");
  EXPECT_EQ(limited.error.code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.retry_after, kAccountAddressBackoff.first_delay);
}

TEST_P(AuthenticatorTest, CredentialEventsGoToTheAuditLogAndTheSecurityLogWithoutSecrets) {
  std::ostringstream lines;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
  AuthConfig config = config_;
  config.security_log = std::make_shared<spdlog::logger>("security-test", sink);
  Authenticator auth(db(), clock_, config);

  auto bad = auth.login("ada@example.com", "wrong password!", "10.0.0.1");
  for (int i = 1; i < kAccountAddressBackoff.free_attempts; ++i)
    auth.login("ada@example.com", "wrong password!", "10.0.0.1");
  auto throttled = auth.login("ada@example.com", kPassword, "10.0.0.1");
  ASSERT_EQ(throttled.error.code, ErrorCode::kRateLimited);
  auto good = auth.login("ada@example.com", kPassword, "10.0.0.2");
  ASSERT_TRUE(good.ok());
  auto key = auth.create_api_token(ada_, "script");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(auth.revoke_api_token(ada_, key->record.id).ok());
  ASSERT_TRUE(auth.logout(good.success->session_token).ok());
  config.security_log->flush();

  store::AuditLog audit(db(), clock_);
  auto page = audit.list({});
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  std::map<std::string, int> actions;
  for (const auto& e : page->items) ++actions[e.action];
  EXPECT_EQ(actions["auth.login_failed"], kAccountAddressBackoff.free_attempts);
  EXPECT_EQ(actions["auth.lockout"], 1);
  EXPECT_EQ(actions["auth.login"], 1);
  EXPECT_EQ(actions["api_token.create"], 1);
  EXPECT_EQ(actions["api_token.revoke"], 1);
  EXPECT_EQ(actions["auth.logout"], 1);
  EXPECT_EQ(actions.count("auth.login_throttled"), 0u) << "refusals go to the security log only";

  const std::string log = lines.str();
  for (const char* event :
       {"auth.login_failed", "auth.lockout", "auth.login_throttled", "auth.login\"",
        "api_token.create", "api_token.revoke", "auth.logout"}) {
    EXPECT_NE(log.find(event), std::string::npos) << event << " missing from:\n" << log;
  }
  for (const std::string& secret :
       {std::string(kPassword), std::string("wrong password!"), good.success->session_token,
        key->token, key->record.token_hash}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret in the security log";
    for (const auto& e : page->items) {
      EXPECT_EQ(boost::json::serialize(e.after).find(secret), std::string::npos) << e.action;
    }
  }
}

TEST_P(AuthenticatorTest, ATypedEmailCannotForgeSecurityLogLines) {
  std::ostringstream lines;
  AuthConfig config = config_;
  config.security_log = std::make_shared<spdlog::logger>(
      "security-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  Authenticator auth(db(), clock_, config);
  auth.login("x\n[info] security {\"event\":\"auth.login\"}", "wrong password!", "10.0.0.1");
  config.security_log->flush();
  const std::string log = lines.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuthenticatorTest);

}  // namespace
}  // namespace icrm::api::auth
