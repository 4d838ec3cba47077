// Authenticator: signing in and out, recognising a caller from a session
// token (browser cookie) or an API key (Bearer), and managing API keys. Free
// of HTTP: the server extracts the credential (credentials.h) and calls here.
//
// Sessions expire absolutely (session_lifetime after sign-in) and when idle
// (session_idle_timeout after last use); last use is written at most every
// session_touch_interval, so a busy dashboard does not write per request.
//
// Failed sign-ins are limited per account (the lower-cased email, whether or
// not it exists, so the limiter reveals nothing either) and per client
// address, in fixed windows counted in the database (store/login_attempt_store.h)
// so all instances share the count. Once a limit is reached, sign-in is
// refused with the time left in the window (Retry-After) without checking the
// password. A success clears the account's count but not the address's, so
// one valid account cannot be used to reset guessing against others.
//
// A failed sign-in never says whether the email exists: an unknown email, a
// disabled account and a wrong password all give the same error, and an
// unknown email still costs one argon2id verification, so the time taken
// does not tell them apart either.
//
// API keys are what scripts send with every request, so a verified key is
// remembered for api_key_cache_ttl: a burst costs one lookup of the key and
// its user per key and interval instead of two queries per request. What
// changes through this Authenticator (revoking a key, end_sessions_of,
// forget_user) takes effect at once; what changes elsewhere (another
// instance, the CLI) within the interval.
//
// Thread-safety: safe to share between threads once constructed.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/auth/password.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/api_token_store.h"
#include "store/database.h"
#include "store/login_attempt_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace icrm::api::auth {

inline constexpr std::chrono::hours kSessionLifetime{24 * 7};
inline constexpr std::chrono::hours kSessionIdleTimeout{12};
inline constexpr std::chrono::seconds kSessionTouchInterval{60};
inline constexpr int kMaxFailuresPerAccount = 5;
inline constexpr int kMaxFailuresPerAddress = 20;
inline constexpr std::chrono::minutes kLoginWindow{15};
inline constexpr size_t kMaxApiTokenNameLength = 100;
inline constexpr int kMaxActiveApiTokensPerUser = 50;
// How long a verified API key is believed without asking the database again,
// and how many are remembered (past that the memory is cleared and refilled).
inline constexpr std::chrono::seconds kApiKeyCacheTtl{5};
inline constexpr size_t kMaxCachedApiKeys = 10'000;

struct AuthConfig {
  std::chrono::seconds session_lifetime = kSessionLifetime;
  std::chrono::seconds session_idle_timeout = kSessionIdleTimeout;
  std::chrono::seconds session_touch_interval = kSessionTouchInterval;
  int max_failures_per_account = kMaxFailuresPerAccount;
  int max_failures_per_address = kMaxFailuresPerAddress;
  std::chrono::seconds login_window = kLoginWindow;
  // The cost new passwords are hashed with (POST/PATCH /api/v1/users), and of
  // the decoy hash verified for unknown emails, so the two take as long
  // (tests lower it).
  PasswordCost password_cost = PasswordCost::interactive();
  // 0 turns the API key cache off.
  std::chrono::seconds api_key_cache_ttl = kApiKeyCacheTtl;
};

enum class AuthMethod { kSession, kApiToken };

// Who is calling, and by which credential.
struct Principal {
  store::User user;
  AuthMethod method = AuthMethod::kSession;
  int64_t credential_id = 0;  // sessions.id or api_tokens.id
};

struct LoginSuccess {
  std::string session_token;  // goes into the cookie; never stored
  store::User user;
  Timestamp expires_at;
};

struct LoginResult {
  std::optional<LoginSuccess> success;
  // When !ok(): kUnauthenticated (the one generic message), kRateLimited, or
  // kUnavailable (the database).
  Error error;
  // With kRateLimited: seconds until the window resets, at least 1.
  std::chrono::seconds retry_after{0};
  bool ok() const { return success.has_value(); }
};

struct CreatedApiToken {
  std::string token;  // shown to the user once, never again
  store::ApiTokenRecord record;
};

class Authenticator {
 public:
  Authenticator(store::Database& db, const Clock& clock, AuthConfig config = {});

  // The one message every failed sign-in gets.
  static constexpr std::string_view kBadCredentials = "invalid email or password";

  LoginResult login(std::string_view email, std::string_view password,
                    std::string_view client_address);
  // Ends the session; an unknown or expired token is not an error (logging
  // out twice is fine).
  Status logout(std::string_view session_token);
  // kUnauthenticated for a missing, unknown, expired or idle session, or a
  // disabled user.
  Result<Principal> authenticate_session(std::string_view session_token);
  // kUnauthenticated for an unknown or revoked key, or a disabled user.
  Result<Principal> authenticate_api_token(std::string_view token);

  // A new API key for `owner`. Invalid name (empty, too long, control
  // characters) or too many active keys are invalid-argument errors.
  Result<CreatedApiToken> create_api_token(const store::User& owner, std::string_view name);
  Result<std::vector<store::ApiTokenRecord>> list_api_tokens(int64_t user_id);
  // Revokes key `token_id`: its owner may, and an admin may revoke anyone's.
  // not_found (not permission_denied) for someone else's key, so ids of
  // other users' keys are not confirmed.
  Status revoke_api_token(const store::User& caller, int64_t token_id);

  std::chrono::seconds session_lifetime() const { return config_.session_lifetime; }

  // Signs a user out everywhere (after disabling or a password change) and
  // forgets their cached API keys.
  Result<int64_t> end_sessions_of(int64_t user_id);
  // Forgets the user's cached API keys, so a change of role or name counts
  // from the next request.
  void forget_user(int64_t user_id);
  // Housekeeping for a periodic job: expired sessions and old counters.
  Status purge_expired();

 private:
  LoginResult refuse(Error error, std::chrono::seconds retry_after = std::chrono::seconds{0});
  // The time left in a limited window, or nothing when not limited.
  Result<std::optional<std::chrono::seconds>> limited(store::AttemptScope scope,
                                                      const std::string& subject, int max,
                                                      Timestamp now);
  void record_failure(const std::string& account, const std::string& address, Timestamp now);

  struct CachedKey {
    Principal principal;
    Timestamp until;
  };
  std::optional<Principal> cached_key(const std::string& digest, Timestamp now);
  void remember_key(const std::string& digest, const Principal& principal, Timestamp now);

  store::Database& db_;
  const Clock& clock_;
  AuthConfig config_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedKey> key_cache_;  // GUARDED_BY(cache_mutex_); by digest
  store::UserStore users_;
  store::SessionStore sessions_;
  store::ApiTokenStore tokens_;
  store::LoginAttemptStore attempts_;
  std::string decoy_hash_;
};

}  // namespace icrm::api::auth
