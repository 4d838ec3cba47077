// Authenticator: signing in and out, recognising a caller from a session
// token (browser cookie) or an API key (Bearer), and managing API keys. Free
// of HTTP: the server extracts the credential (credentials.h) and calls here.
//
// Sessions expire absolutely (session_lifetime after sign-in) and when idle
// (session_idle_timeout after last use); last use is written at most every
// session_touch_interval, so a busy dashboard does not write per request.
//
// Failed sign-ins slow down the next attempt for the same (account, client
// address) pair — a few free tries, then a delay that doubles up to a cap
// (store::Backoff) — rather than locking the account: a guesser elsewhere
// cannot lock the owner out. A looser count per address slows one address
// spraying many accounts. Counted in the database (store/login_attempt_store.h)
// so all instances share the count; each attempt is reserved atomically
// before its password is checked, so parallel guesses cannot slip past the
// count. While a pair or an address must wait, sign-in is refused with the
// time left (Retry-After) without checking the password. A success clears
// the pair and gives the address its attempt back. The client address is the
// connection's peer, or the trusted proxy's X-Forwarded-For
// (client_address.h).
//
// Password checks (argon2id) run on a small bounded pool (core/bounded_executor.h),
// not on the caller's thread without a bound: when it is full, sign-in is
// unavailable (503) and the attempt is not counted.
//
// Sign-ins, failures, lockouts, sign-outs, API key changes, password changes
// and ended sessions are recorded as SecurityEvents (security_events.h).
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
// instance, the CLI) within the interval. API keys expire
// (api_token_lifetime by default, at most max_api_token_lifetime; a key made
// before keys had an expiry expires max_api_token_lifetime after it was
// made), and are revoked with the user's other sessions when the password
// changes. A user-change listener (the live stream) hears of every user
// whose credentials end or whose role may have changed.
//
// Thread-safety: safe to share between threads once constructed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/auth/password.h"
#include "api/auth/security_events.h"
#include "core/bounded_executor.h"
#include "core/clock.h"
#include "core/periodic_thread.h"
#include "core/result.h"
#include "store/api_token_store.h"
#include "store/database.h"
#include "store/login_attempt_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace icrm::api::auth {

// NIST SP 800-63B AAL2 (which OWASP ASVS 4 V3.3 follows at level 2):
// re-authenticate at least every 12 hours, and after 30 minutes idle.
inline constexpr std::chrono::hours kSessionLifetime{12};
inline constexpr std::chrono::minutes kSessionIdleTimeout{30};
inline constexpr std::chrono::seconds kSessionTouchInterval{60};
// Per (account, address): 5 tries back to back, then 1 s, 2 s, 4 s ... up to
// 15 minutes between tries; forgotten after a day without attempts.
inline constexpr store::Backoff kAccountAddressBackoff{
    5, std::chrono::seconds{1}, std::chrono::minutes{15}, std::chrono::hours{24}};
// Per address, over every account: 20 back to back, then the same doubling;
// forgotten after 15 quiet minutes (a shared office address recovers).
inline constexpr store::Backoff kAddressBackoff{20, std::chrono::seconds{1},
                                                std::chrono::minutes{15}, std::chrono::minutes{15}};
inline constexpr size_t kMaxApiTokenNameLength = 100;
inline constexpr int kMaxActiveApiTokensPerUser = 50;
inline constexpr std::chrono::days kApiTokenLifetime{30};
inline constexpr std::chrono::days kMaxApiTokenLifetime{365};
// How long a verified API key is believed without asking the database again,
// and how many are remembered (past that the memory is cleared and refilled).
inline constexpr std::chrono::seconds kApiKeyCacheTtl{5};
inline constexpr size_t kMaxCachedApiKeys = 10'000;
// argon2id checks at a time (each ~64 MiB), and how many more may wait
// (each holding an I/O thread) before sign-in answers 503.
inline constexpr size_t kPasswordThreads = 2;
inline constexpr size_t kPasswordQueue = 4;

struct AuthConfig {
  std::chrono::seconds session_lifetime = kSessionLifetime;
  std::chrono::seconds session_idle_timeout = kSessionIdleTimeout;
  std::chrono::seconds session_touch_interval = kSessionTouchInterval;
  store::Backoff account_address_backoff = kAccountAddressBackoff;
  store::Backoff address_backoff = kAddressBackoff;
  // The cost new passwords are hashed with (POST/PATCH /api/v1/users), and of
  // the decoy hash verified for unknown emails, so the two take as long
  // (tests lower it).
  PasswordCost password_cost = PasswordCost::interactive();
  // 0 turns the API key cache off.
  std::chrono::seconds api_key_cache_ttl = kApiKeyCacheTtl;
  std::chrono::seconds api_token_lifetime = kApiTokenLifetime;
  std::chrono::seconds max_api_token_lifetime = kMaxApiTokenLifetime;
  size_t password_threads = kPasswordThreads;
  size_t password_queue = kPasswordQueue;
  // When set, used instead of a pool of password_threads/password_queue.
  std::shared_ptr<BoundedExecutor> password_pool;
  // The security log; null: spdlog's default logger.
  std::shared_ptr<spdlog::logger> security_log;
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
  // kUnavailable (the database, or the password pool is full).
  Error error;
  // With kRateLimited: seconds until the next attempt may be made, at least
  // 1; with a full password pool, 1.
  std::chrono::seconds retry_after{0};
  bool ok() const { return success.has_value(); }
};

struct CreatedApiToken {
  std::string token;  // shown to the user once, never again
  store::ApiTokenRecord record;
};

// The outcome of changing one's own password.
struct PasswordChangeResult {
  bool changed = false;
  // When !changed: the current password is wrong (invalid argument on
  // current_password), the new one breaks the policy, kRateLimited (with
  // retry_after) or kUnavailable.
  Error error;
  std::chrono::seconds retry_after{0};
  int64_t sessions_ended = 0;
  int64_t tokens_revoked = 0;
  bool ok() const { return changed; }
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
  // kUnauthenticated for an unknown, expired or revoked key, or a disabled user.
  Result<Principal> authenticate_api_token(std::string_view token);

  // A new API key for `owner`, expiring after `lifetime` (the default
  // lifetime when unset). Invalid name (empty, too long, control
  // characters), a lifetime outside 1 day..max_api_token_lifetime, or too
  // many active keys are invalid-argument errors.
  Result<CreatedApiToken> create_api_token(const store::User& owner, std::string_view name,
                                           std::optional<std::chrono::seconds> lifetime = {});
  Result<std::vector<store::ApiTokenRecord>> list_api_tokens(int64_t user_id);
  // Revokes key `token_id`: its owner may, and an admin may revoke anyone's.
  // not_found (not permission_denied) for someone else's key, so ids of
  // other users' keys are not confirmed.
  Status revoke_api_token(const store::User& caller, int64_t token_id);
  // When a key made at `created_at` with `expires_at` stops working.
  Timestamp api_token_expiry(const store::ApiTokenRecord& record) const;

  // The user's sessions, newest first.
  Result<std::vector<store::SessionRecord>> list_sessions(int64_t user_id);
  // Ends one of the user's sessions; not_found for another user's.
  Status end_session(int64_t user_id, int64_t session_id);
  // Ends every session of the user but `keep`; returns how many ended.
  Result<int64_t> end_other_sessions(int64_t user_id, int64_t keep);

  // Changes the caller's own password after checking the current one
  // (counted like a sign-in from `client_address`), then ends the user's
  // other sessions and revokes their API keys.
  PasswordChangeResult change_password(const store::User& user, int64_t current_session,
                                       std::string_view current_password,
                                       std::string_view new_password,
                                       std::string_view client_address);
  // A hash of a new password at the configured cost, on the password pool:
  // unavailable when it is full.
  Result<std::string> hash_new_password(std::string_view password);

  std::chrono::seconds session_lifetime() const { return config_.session_lifetime; }
  std::chrono::seconds max_api_token_lifetime() const { return config_.max_api_token_lifetime; }

  // Signs a user out everywhere (after disabling) and forgets their cached
  // API keys.
  Result<int64_t> end_sessions_of(int64_t user_id);
  // After a password reset by someone else: every session ends and every
  // API key is revoked.
  Status revoke_credentials_of(const store::Actor& actor, int64_t user_id);
  // Forgets the user's cached API keys, so a change of role or name counts
  // from the next request.
  void forget_user(int64_t user_id);
  // Hears of each user whose sessions or keys end or whose role or state may
  // have changed (the live stream closes their streams). Set once, before
  // requests are served.
  void set_user_change_listener(std::function<void(int64_t user_id)> listener);
  // Housekeeping: expired and idle sessions, and idle counters.
  Status purge_expired();
  // Calls purge_expired() now and every `interval` on a thread of its own,
  // until this Authenticator is destroyed.
  void purge_every(std::chrono::milliseconds interval);

 private:
  // One sign-in attempt's reservations: the (account, address) pair and the
  // address. `refusal` is set when either must wait (nothing is reserved then).
  struct Attempt {
    store::AttemptKey pair;
    store::AttemptKey by_address;
    store::Reservation pair_reserved;
    store::Reservation address_reserved;
    std::optional<LoginResult> refusal;
  };
  enum class Outcome { kSucceeded, kFailed, kNotChecked };
  Attempt begin_attempt(const std::string& account, const std::string& address, Timestamp now);
  void end_attempt(const Attempt& attempt, Outcome outcome);
  // argon2id on the pool; nothing when the pool is full.
  std::optional<bool> verify_on_pool(std::string_view hash, std::string_view password);
  LoginResult refuse(Error error, std::chrono::seconds retry_after = std::chrono::seconds{0});
  void user_changed(int64_t user_id);
  void forget_keys_if(const std::function<bool(const Principal&)>& matches);

  struct CachedKey {
    Principal principal;
    Timestamp until;
  };
  std::optional<Principal> cached_key(const std::string& digest, Timestamp now);
  // Remembered until the cache TTL or the key's expiry, whichever is first.
  void remember_key(const std::string& digest, const Principal& principal, Timestamp now,
                    Timestamp expires);

  store::Database& db_;
  const Clock& clock_;
  AuthConfig config_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedKey> key_cache_;  // GUARDED_BY(cache_mutex_); by digest
  store::UserStore users_;
  store::SessionStore sessions_;
  store::ApiTokenStore tokens_;
  store::LoginAttemptStore attempts_;
  SecurityEvents events_;
  std::shared_ptr<BoundedExecutor> pool_;
  std::function<void(int64_t)> user_change_listener_;
  std::string decoy_hash_;
  PeriodicThread housekeeping_;  // last: stopped before the rest goes
};

}  // namespace icrm::api::auth
