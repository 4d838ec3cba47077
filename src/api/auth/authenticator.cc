#include "api/auth/authenticator.h"

#include <spdlog/spdlog.h>

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
      attempts_(db),
      events_(db, clock, config.security_log),
      pool_(config.password_pool ? config.password_pool
                                 : std::make_shared<BoundedExecutor>(config.password_threads,
                                                                     config.password_queue)) {
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

std::optional<bool> Authenticator::verify_on_pool(std::string_view hash,
                                                  std::string_view password) {
  bool verified = false;
  if (!pool_->run([&] { verified = verify_password(hash, password); })) return std::nullopt;
  return verified;
}

Result<std::string> Authenticator::hash_new_password(std::string_view password) {
  Result<std::string> hash = Error::internal("not hashed");
  if (!pool_->run([&] { hash = hash_password(password, config_.password_cost); })) {
    return Error::unavailable("the server is busy checking passwords; try again shortly");
  }
  return hash;
}

Authenticator::Attempt Authenticator::begin_attempt(const std::string& account,
                                                    const std::string& address, Timestamp now) {
  Attempt a;
  a.pair = {store::AttemptScope::kAccountAddress, account, address};
  a.by_address = {store::AttemptScope::kAddress, "", address};
  auto throttled = [&](std::chrono::seconds wait) {
    events_.record(
        {.action = "auth.login_throttled",
         .entity = "account",
         .details = {{"account", account}, {"address", address}, {"retry_after_s", wait.count()}},
         .audited = false,
         .warning = true});
    return refuse(Error::rate_limited("too many failed sign-ins; try again in " +
                                      std::to_string(wait.count()) + " seconds"),
                  wait);
  };
  // The address first: a refused pair then costs its address nothing.
  auto by_address = attempts_.reserve(a.by_address, now, config_.address_backoff);
  if (!by_address) {
    a.refusal = refuse(by_address.error());
    return a;
  }
  if (!by_address->granted) {
    a.refusal = throttled(by_address->retry_after);
    return a;
  }
  a.address_reserved = *by_address;
  auto pair = attempts_.reserve(a.pair, now, config_.account_address_backoff);
  if (!pair || !pair->granted) {
    (void)attempts_.refund(a.by_address, config_.address_backoff);
    a.refusal = pair ? throttled(pair->retry_after) : refuse(pair.error());
    return a;
  }
  a.pair_reserved = *pair;
  return a;
}

void Authenticator::end_attempt(const Attempt& a, Outcome outcome) {
  // A failure to update a counter is not a reason to let the caller in or to
  // answer differently; the attempt was counted when it was reserved.
  switch (outcome) {
    case Outcome::kSucceeded:
      (void)attempts_.clear(a.pair);
      (void)attempts_.refund(a.by_address, config_.address_backoff);
      return;
    case Outcome::kNotChecked:
      (void)attempts_.refund(a.pair, config_.account_address_backoff);
      (void)attempts_.refund(a.by_address, config_.address_backoff);
      return;
    case Outcome::kFailed:
      break;
  }
  events_.record({.action = "auth.login_failed",
                  .entity = "account",
                  .details = {{"account", a.pair.account}, {"address", a.pair.address}},
                  .warning = true});
  for (const auto& [key, reserved] :
       {std::pair{&a.pair, &a.pair_reserved}, std::pair{&a.by_address, &a.address_reserved}}) {
    if (reserved->delay.count() == 0) continue;
    events_.record({.action = "auth.lockout",
                    .entity = "account",
                    .details = {{"account", key->account},
                                {"address", key->address},
                                {"failures", reserved->failures},
                                {"delay_s", reserved->delay.count()}},
                    .warning = true});
  }
}

LoginResult Authenticator::login(std::string_view email, std::string_view password,
                                 std::string_view client_address) {
  const Timestamp now = clock_.now();
  const std::string account = ascii_lower(email.substr(0, store::kMaxEmailLength));
  const std::string address(client_address.substr(0, store::kMaxClientAddressLength));

  Attempt attempt = begin_attempt(account, address, now);
  if (attempt.refusal) return std::move(*attempt.refusal);

  const Error bad = Error::unauthenticated(std::string(kBadCredentials));
  if (email.empty() || email.size() > store::kMaxEmailLength || password.empty() ||
      password.size() > kMaxPasswordLength) {
    end_attempt(attempt, Outcome::kFailed);
    return refuse(bad);
  }
  auto user = users_.get_by_email(email);
  if (!user && user.error().code != ErrorCode::kNotFound) {
    end_attempt(attempt, Outcome::kNotChecked);
    return refuse(user.error());
  }
  auto verified = verify_on_pool(user ? user->password_hash : decoy_hash_, password);
  if (!verified) {
    end_attempt(attempt, Outcome::kNotChecked);
    return refuse(Error::unavailable("the server is busy checking passwords; try again shortly"),
                  std::chrono::seconds{1});
  }
  if (!user || !*verified || user->disabled) {
    end_attempt(attempt, Outcome::kFailed);
    return refuse(bad);
  }
  end_attempt(attempt, Outcome::kSucceeded);

  LoginSuccess success;
  success.session_token = random_token();
  success.expires_at = now + config_.session_lifetime;
  auto session = sessions_.create(hash_token(success.session_token), user->id, now,
                                  success.expires_at, address);
  if (!session) return refuse(session.error());
  events_.record({.action = "auth.login",
                  .actor = store::Actor::user(user->id),
                  .entity = "session",
                  .entity_id = session->id,
                  .details = {{"address", address}}});
  success.user = std::move(*user);
  LoginResult r;
  r.success = std::move(success);
  return r;
}

Status Authenticator::logout(std::string_view session_token) {
  if (session_token.empty() || session_token.size() > kMaxPresentedTokenLength) return {};
  auto session = sessions_.find_by_hash(hash_token(session_token));
  if (!session) return session.error().code == ErrorCode::kNotFound ? Status() : session.error();
  if (auto removed = sessions_.remove(session->id); !removed) return removed;
  events_.record({.action = "auth.logout",
                  .actor = store::Actor::user(session->user_id),
                  .entity = "session",
                  .entity_id = session->id});
  user_changed(session->user_id);
  return {};
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
  const Timestamp expires = api_token_expiry(*record);
  if (now >= expires) return Error::unauthenticated("the API token has expired");
  auto user = users_.get(record->user_id);
  if (!user) return user.error().code == ErrorCode::kNotFound ? invalid : user.error();
  if (user->disabled) return Error::unauthenticated("this account is disabled");
  if (!record->last_used_at || now - *record->last_used_at >= config_.session_touch_interval) {
    (void)tokens_.touch(record->id, now);
  }
  Principal principal{std::move(*user), AuthMethod::kApiToken, record->id};
  remember_key(digest, principal, now, expires);
  return principal;
}

Result<CreatedApiToken> Authenticator::create_api_token(
    const store::User& owner, std::string_view name, std::optional<std::chrono::seconds> lifetime) {
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
  const auto life = lifetime.value_or(config_.api_token_lifetime);
  if (life < std::chrono::days{1} || life > config_.max_api_token_lifetime) {
    return Error::invalid(
        "an API token lives from 1 to " +
            std::to_string(
                std::chrono::floor<std::chrono::days>(config_.max_api_token_lifetime).count()) +
            " days",
        "expires_in_days");
  }
  auto active = tokens_.count_active_for_user(owner.id, clock_.now());
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
  r.expires_at = r.created_at + life;
  auto stored = tokens_.create(r);
  if (!stored) return stored.error();
  created.record = std::move(*stored);
  events_.record({.action = "api_token.create",
                  .actor = store::Actor::user(owner.id),
                  .entity = "api_token",
                  .entity_id = created.record.id,
                  .details = {{"name", created.record.name},
                              {"prefix", created.record.prefix},
                              {"expires_at", format_timestamp(*created.record.expires_at)}}});
  return created;
}

Timestamp Authenticator::api_token_expiry(const store::ApiTokenRecord& record) const {
  return record.expires_at.value_or(record.created_at + config_.max_api_token_lifetime);
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
  forget_keys_if([&](const Principal& p) {
    return p.method == AuthMethod::kApiToken && p.credential_id == token_id;
  });
  if (!revoked) return revoked;
  events_.record({.action = "api_token.revoke",
                  .actor = store::Actor::user(caller.id),
                  .entity = "api_token",
                  .entity_id = token_id,
                  .details = {{"owner_id", record->user_id}, {"name", record->name}}});
  user_changed(record->user_id);
  return revoked;
}

Result<std::vector<store::SessionRecord>> Authenticator::list_sessions(int64_t user_id) {
  return sessions_.list_for_user(user_id);
}

Status Authenticator::end_session(int64_t user_id, int64_t session_id) {
  auto mine = sessions_.list_for_user(user_id);
  if (!mine) return mine.error();
  if (std::none_of(mine->begin(), mine->end(),
                   [&](const store::SessionRecord& r) { return r.id == session_id; })) {
    return Error::not_found("you have no session with id " + std::to_string(session_id));
  }
  if (auto removed = sessions_.remove(session_id); !removed) return removed;
  events_.record({.action = "auth.session_end",
                  .actor = store::Actor::user(user_id),
                  .entity = "session",
                  .entity_id = session_id});
  user_changed(user_id);
  return {};
}

Result<int64_t> Authenticator::end_other_sessions(int64_t user_id, int64_t keep) {
  auto ended = sessions_.remove_for_user(user_id, keep);
  if (!ended) return ended;
  events_.record({.action = "auth.sessions_end",
                  .actor = store::Actor::user(user_id),
                  .entity = "user",
                  .entity_id = user_id,
                  .details = {{"ended", *ended}, {"kept_session_id", keep}}});
  user_changed(user_id);
  return ended;
}

PasswordChangeResult Authenticator::change_password(const store::User& user,
                                                    int64_t current_session,
                                                    std::string_view current_password,
                                                    std::string_view new_password,
                                                    std::string_view client_address) {
  PasswordChangeResult out;
  auto fail = [&](Error e, std::chrono::seconds retry_after = std::chrono::seconds{0}) {
    out.error = std::move(e);
    out.retry_after = retry_after;
    return out;
  };
  if (auto policy = check_password_policy(new_password, "new_password"); !policy)
    return fail(policy.error());
  const Timestamp now = clock_.now();
  const std::string address(client_address.substr(0, store::kMaxClientAddressLength));
  // The current password is guessed like a sign-in (a stolen session must
  // not become an unlimited oracle), so it is counted the same way.
  Attempt attempt = begin_attempt(ascii_lower(user.email), address, now);
  if (attempt.refusal) return fail(attempt.refusal->error, attempt.refusal->retry_after);
  auto stored = users_.get(user.id);
  if (!stored) {
    end_attempt(attempt, Outcome::kNotChecked);
    return fail(stored.error());
  }
  auto verified = current_password.size() > kMaxPasswordLength
                      ? std::optional<bool>(false)
                      : verify_on_pool(stored->password_hash, current_password);
  if (!verified) {
    end_attempt(attempt, Outcome::kNotChecked);
    return fail(Error::unavailable("the server is busy checking passwords; try again shortly"),
                std::chrono::seconds{1});
  }
  if (!*verified) {
    end_attempt(attempt, Outcome::kFailed);
    return fail(Error::invalid("the current password is not right", "current_password"));
  }
  end_attempt(attempt, Outcome::kSucceeded);
  auto hash = hash_new_password(new_password);
  if (!hash) return fail(hash.error(), std::chrono::seconds{1});
  store::UserChanges changes;
  changes.password_hash = std::move(*hash);
  if (auto updated = users_.update(store::Actor::user(user.id), user.id, changes); !updated)
    return fail(updated.error());
  auto sessions = sessions_.remove_for_user(user.id, current_session);
  auto tokens = tokens_.revoke_for_user(user.id, now);
  forget_user(user.id);
  if (!sessions) return fail(sessions.error());
  if (!tokens) return fail(tokens.error());
  out.changed = true;
  out.sessions_ended = *sessions;
  out.tokens_revoked = *tokens;
  events_.record({.action = "auth.password_change",
                  .actor = store::Actor::user(user.id),
                  .entity = "user",
                  .entity_id = user.id,
                  .details = {{"address", address},
                              {"sessions_ended", out.sessions_ended},
                              {"tokens_revoked", out.tokens_revoked}}});
  return out;
}

Result<int64_t> Authenticator::end_sessions_of(int64_t user_id) {
  auto ended = sessions_.remove_for_user(user_id);
  forget_user(user_id);
  return ended;
}

Status Authenticator::revoke_credentials_of(const store::Actor& actor, int64_t user_id) {
  auto sessions = sessions_.remove_for_user(user_id);
  auto tokens = tokens_.revoke_for_user(user_id, clock_.now());
  forget_user(user_id);
  if (!sessions) return sessions.error();
  if (!tokens) return tokens.error();
  events_.record({.action = "auth.credentials_revoke",
                  .actor = actor,
                  .entity = "user",
                  .entity_id = user_id,
                  .details = {{"sessions_ended", *sessions}, {"tokens_revoked", *tokens}}});
  return {};
}

void Authenticator::forget_user(int64_t user_id) {
  forget_keys_if([&](const Principal& p) { return p.user.id == user_id; });
  user_changed(user_id);
}

void Authenticator::set_user_change_listener(std::function<void(int64_t)> listener) {
  user_change_listener_ = std::move(listener);
}

void Authenticator::user_changed(int64_t user_id) {
  if (user_change_listener_) user_change_listener_(user_id);
}

void Authenticator::forget_keys_if(const std::function<bool(const Principal&)>& matches) {
  std::lock_guard lock(cache_mutex_);
  std::erase_if(key_cache_, [&](const auto& e) { return matches(e.second.principal); });
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
                                 Timestamp now, Timestamp expires) {
  if (config_.api_key_cache_ttl.count() <= 0) return;
  std::lock_guard lock(cache_mutex_);
  if (key_cache_.size() >= kMaxCachedApiKeys) key_cache_.clear();
  key_cache_[digest] = {principal, std::min(now + config_.api_key_cache_ttl, expires)};
}

Status Authenticator::purge_expired() {
  const Timestamp now = clock_.now();
  auto s = sessions_.remove_expired(now, now - config_.session_idle_timeout);
  if (!s) return s.error();
  // A counter is forgotten after the longer of the two forget_after.
  const auto forget =
      std::max(config_.account_address_backoff.forget_after, config_.address_backoff.forget_after);
  auto a = attempts_.remove_idle(now - forget, now);
  if (!a) return a.error();
  return {};
}

void Authenticator::purge_every(std::chrono::milliseconds interval) {
  housekeeping_.start(interval, [this] {
    if (auto s = purge_expired(); !s) spdlog::warn("auth housekeeping: {}", s.error().to_string());
  });
}

}  // namespace icrm::api::auth
