#include "api/auth/authenticator.h"

#include <algorithm>

#include "api/auth/token.h"

namespace icrm::api::auth {
namespace {

using namespace std::chrono_literals;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error session_invalid() {
  return Error::unauthenticated("the session is not valid; sign in again");
}

}  // namespace

Authenticator::Authenticator(store::Database& db, const Clock& clock, AuthConfig config)
    : db_(db),
      clock_(clock),
      config_(config),
      users_(db, clock),
      sessions_(db),
      tokens_(db),
      attempts_(db) {
  // A hash of a random password: verifying against it costs what a real
  // verification costs and can never succeed.
  auto decoy = hash_password(random_token(), config_.password_cost);
  decoy_hash_ = decoy ? *decoy : std::string();
}

LoginResult Authenticator::refuse(Error error, std::chrono::seconds retry_after) {
  LoginResult r;
  r.error = std::move(error);
  r.retry_after = retry_after;
  return r;
}

Result<std::optional<std::chrono::seconds>> Authenticator::limited(store::AttemptScope scope,
                                                                   const std::string& subject,
                                                                   int max, Timestamp now) {
  auto counter = attempts_.get(scope, subject);
  if (!counter) return counter.error();
  if (!*counter) return std::optional<std::chrono::seconds>();
  Timestamp resets = (*counter)->window_started_at + config_.login_window;
  if (resets <= now || (*counter)->failures < max) return std::optional<std::chrono::seconds>();
  auto left = std::chrono::ceil<std::chrono::seconds>(resets - now);
  return std::optional<std::chrono::seconds>(std::max(left, std::chrono::seconds{1}));
}

void Authenticator::record_failure(const std::string& account, const std::string& address,
                                   Timestamp now) {
  // A failure to count is not a reason to let the caller in or to fail the
  // response differently; the next attempt reads the counters again.
  (void)attempts_.record_failure(store::AttemptScope::kAccount, account, now, config_.login_window);
  if (!address.empty()) {
    (void)attempts_.record_failure(store::AttemptScope::kAddress, address, now,
                                   config_.login_window);
  }
}

LoginResult Authenticator::login(std::string_view email, std::string_view password,
                                 std::string_view client_address) {
  const Timestamp now = clock_.now();
  const std::string account = ascii_lower(email.substr(0, store::kMaxEmailLength));
  const std::string address(client_address.substr(0, store::kMaxClientAddressLength));

  std::chrono::seconds wait{0};
  auto by_account =
      limited(store::AttemptScope::kAccount, account, config_.max_failures_per_account, now);
  if (!by_account) return refuse(by_account.error());
  if (*by_account) wait = std::max(wait, **by_account);
  if (!address.empty()) {
    auto by_address =
        limited(store::AttemptScope::kAddress, address, config_.max_failures_per_address, now);
    if (!by_address) return refuse(by_address.error());
    if (*by_address) wait = std::max(wait, **by_address);
  }
  if (wait > 0s) {
    return refuse(Error::rate_limited("too many failed sign-ins; try again in " +
                                      std::to_string(wait.count()) + " seconds"),
                  wait);
  }

  const Error bad = Error::unauthenticated(std::string(kBadCredentials));
  if (email.empty() || email.size() > store::kMaxEmailLength || password.empty() ||
      password.size() > kMaxPasswordLength) {
    record_failure(account, address, now);
    return refuse(bad);
  }
  auto user = users_.get_by_email(email);
  if (!user && user.error().code != ErrorCode::kNotFound) return refuse(user.error());
  bool verified = false;
  if (user) {
    verified = verify_password(user->password_hash, password);
  } else {
    (void)verify_password(decoy_hash_, password);
  }
  if (!verified || user->disabled) {
    record_failure(account, address, now);
    return refuse(bad);
  }

  (void)attempts_.clear(store::AttemptScope::kAccount, account);
  LoginSuccess success;
  success.session_token = random_token();
  success.expires_at = now + config_.session_lifetime;
  auto session = sessions_.create(hash_token(success.session_token), user->id, now,
                                  success.expires_at, address);
  if (!session) return refuse(session.error());
  success.user = std::move(*user);
  LoginResult r;
  r.success = std::move(success);
  return r;
}

Status Authenticator::logout(std::string_view session_token) {
  if (session_token.empty() || session_token.size() > kMaxPresentedTokenLength) return {};
  auto session = sessions_.find_by_hash(hash_token(session_token));
  if (!session) return session.error().code == ErrorCode::kNotFound ? Status() : session.error();
  return sessions_.remove(session->id);
}

Result<Principal> Authenticator::authenticate_session(std::string_view session_token) {
  if (session_token.empty() || session_token.size() > kMaxPresentedTokenLength) {
    return session_invalid();
  }
  const std::string digest = hash_token(session_token);
  auto session = sessions_.find_by_hash(digest);
  if (!session) {
    return session.error().code == ErrorCode::kNotFound ? session_invalid() : session.error();
  }
  if (!constant_time_equal(session->token_hash, digest)) return session_invalid();
  const Timestamp now = clock_.now();
  if (now >= session->expires_at || now >= session->last_seen_at + config_.session_idle_timeout) {
    (void)sessions_.remove(session->id);
    return Error::unauthenticated("the session has expired; sign in again");
  }
  auto user = users_.get(session->user_id);
  if (!user) return user.error().code == ErrorCode::kNotFound ? session_invalid() : user.error();
  if (user->disabled) return Error::unauthenticated("this account is disabled");
  if (now - session->last_seen_at >= config_.session_touch_interval) {
    (void)sessions_.touch(session->id, now);
  }
  return Principal{std::move(*user), AuthMethod::kSession, session->id};
}

Result<Principal> Authenticator::authenticate_api_token(std::string_view token) {
  const Error invalid = Error::unauthenticated("the API token is not valid");
  if (token.size() > kMaxPresentedTokenLength ||
      token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix) {
    return invalid;
  }
  const std::string digest = hash_token(token);
  const Timestamp now = clock_.now();
  if (auto cached = cached_key(digest, now)) return std::move(*cached);
  auto record = tokens_.find_by_hash(digest);
  if (!record) return record.error().code == ErrorCode::kNotFound ? invalid : record.error();
  if (!constant_time_equal(record->token_hash, digest)) return invalid;
  if (!record->active()) return Error::unauthenticated("the API token has been revoked");
  auto user = users_.get(record->user_id);
  if (!user) return user.error().code == ErrorCode::kNotFound ? invalid : user.error();
  if (user->disabled) return Error::unauthenticated("this account is disabled");
  if (!record->last_used_at || now - *record->last_used_at >= config_.session_touch_interval) {
    (void)tokens_.touch(record->id, now);
  }
  Principal principal{std::move(*user), AuthMethod::kApiToken, record->id};
  remember_key(digest, principal, now);
  return principal;
}

Result<CreatedApiToken> Authenticator::create_api_token(const store::User& owner,
                                                        std::string_view name) {
  if (name.find_first_not_of(" \t") == std::string_view::npos) {
    return Error::invalid("name the token (what script or person uses it)", "name");
  }
  if (name.size() > kMaxApiTokenNameLength) {
    return Error::too_large(
        "name is longer than " + std::to_string(kMaxApiTokenNameLength) + " characters", "name");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f)
      return Error::invalid("name may not contain control characters", "name");
  }
  auto active = tokens_.count_active_for_user(owner.id);
  if (!active) return active.error();
  if (*active >= kMaxActiveApiTokensPerUser) {
    return Error::invalid("at most " + std::to_string(kMaxActiveApiTokensPerUser) +
                              " active API tokens per user; revoke one first",
                          "name");
  }
  CreatedApiToken created;
  created.token = new_api_token();
  store::ApiTokenRecord r;
  r.user_id = owner.id;
  r.name = std::string(name);
  r.token_hash = hash_token(created.token);
  r.prefix = created.token.substr(0, kDisplayPrefixLength);
  r.created_at = clock_.now();
  auto stored = tokens_.create(r);
  if (!stored) return stored.error();
  created.record = std::move(*stored);
  return created;
}

Result<std::vector<store::ApiTokenRecord>> Authenticator::list_api_tokens(int64_t user_id) {
  return tokens_.list_for_user(user_id);
}

Status Authenticator::revoke_api_token(const store::User& caller, int64_t token_id) {
  auto record = tokens_.get(token_id);
  if (!record) return record.error();
  if (record->user_id != caller.id && caller.role != store::Role::kAdmin) {
    return Error::not_found("no API token with id " + std::to_string(token_id));
  }
  auto revoked = tokens_.revoke(token_id, clock_.now());
  std::lock_guard lock(cache_mutex_);
  std::erase_if(key_cache_,
                [&](const auto& e) { return e.second.principal.credential_id == token_id; });
  return revoked;
}

Result<int64_t> Authenticator::end_sessions_of(int64_t user_id) {
  forget_user(user_id);
  return sessions_.remove_for_user(user_id);
}

void Authenticator::forget_user(int64_t user_id) {
  std::lock_guard lock(cache_mutex_);
  std::erase_if(key_cache_, [&](const auto& e) { return e.second.principal.user.id == user_id; });
}

std::optional<Principal> Authenticator::cached_key(const std::string& digest, Timestamp now) {
  std::lock_guard lock(cache_mutex_);
  auto it = key_cache_.find(digest);
  if (it == key_cache_.end()) return std::nullopt;
  if (now >= it->second.until) {
    key_cache_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void Authenticator::remember_key(const std::string& digest, const Principal& principal,
                                 Timestamp now) {
  if (config_.api_key_cache_ttl.count() <= 0) return;
  std::lock_guard lock(cache_mutex_);
  if (key_cache_.size() >= kMaxCachedApiKeys) key_cache_.clear();
  key_cache_[digest] = {principal, now + config_.api_key_cache_ttl};
}

Status Authenticator::purge_expired() {
  const Timestamp now = clock_.now();
  auto s = sessions_.remove_expired(now);
  if (!s) return s.error();
  auto a = attempts_.remove_older_than(now - config_.login_window);
  if (!a) return a.error();
  return {};
}

}  // namespace icrm::api::auth
