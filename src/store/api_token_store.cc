#include "store/api_token_store.h"

#include <soci/soci.h>

namespace icrm::store {
namespace {

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
}

Result<std::optional<Timestamp>> optional_time(const std::string& text, soci::indicator ind) {
  if (ind != soci::i_ok) return std::optional<Timestamp>();
  auto t = parse_timestamp(text);
  if (!t) return Error::internal("api_tokens holds a bad timestamp: " + text);
  return std::optional<Timestamp>(*t);
}

}  // namespace

Result<ApiTokenRecord> ApiTokenStore::create(const ApiTokenRecord& record) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  ApiTokenRecord r = record;
  r.last_used_at.reset();
  r.revoked_at.reset();
  try {
    std::string created = format_timestamp(r.created_at);
    std::string expires = r.expires_at ? format_timestamp(*r.expires_at) : std::string();
    soci::indicator expires_ind = r.expires_at ? soci::i_ok : soci::i_null;
    long long uid = r.user_id, id = 0;
    **lease << "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) "
               "VALUES (:u, :n, :h, :p, :c, :e) RETURNING id",
        soci::use(uid), soci::use(r.name), soci::use(r.token_hash), soci::use(r.prefix),
        soci::use(created), soci::use(expires, expires_ind), soci::into(id);
    r.id = id;
  } catch (const std::exception& e) {
    return store_error("cannot create API token", e);
  }
  return r;
}

Result<std::vector<ApiTokenRecord>> ApiTokenStore::select(const std::string& where, long long key,
                                                          const std::string* text_key) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  std::vector<ApiTokenRecord> out;
  try {
    long long id = 0, uid = 0;
    std::string name, hash, prefix, created, used, revoked, expires;
    soci::indicator used_ind = soci::i_ok, revoked_ind = soci::i_ok, expires_ind = soci::i_ok;
    std::string text = text_key ? *text_key : std::string();
    soci::statement st =
        text_key
            ? ((**lease).prepare << "SELECT id, user_id, name, token_hash, prefix, created_at, "
                                    "last_used_at, revoked_at, expires_at FROM api_tokens WHERE " +
                                        where,
               soci::use(text), soci::into(id), soci::into(uid), soci::into(name), soci::into(hash),
               soci::into(prefix), soci::into(created), soci::into(used, used_ind),
               soci::into(revoked, revoked_ind), soci::into(expires, expires_ind))
            : ((**lease).prepare << "SELECT id, user_id, name, token_hash, prefix, created_at, "
                                    "last_used_at, revoked_at, expires_at FROM api_tokens WHERE " +
                                        where,
               soci::use(key), soci::into(id), soci::into(uid), soci::into(name), soci::into(hash),
               soci::into(prefix), soci::into(created), soci::into(used, used_ind),
               soci::into(revoked, revoked_ind), soci::into(expires, expires_ind));
    st.execute();
    while (st.fetch()) {
      ApiTokenRecord r;
      r.id = id;
      r.user_id = uid;
      r.name = name;
      r.token_hash = hash;
      r.prefix = prefix;
      auto c = parse_timestamp(created);
      if (!c) return Error::internal("api_tokens.created_at is not a timestamp: " + created);
      r.created_at = *c;
      auto u = optional_time(used, used_ind);
      auto v = optional_time(revoked, revoked_ind);
      auto x = optional_time(expires, expires_ind);
      if (!u) return u.error();
      if (!v) return v.error();
      if (!x) return x.error();
      r.last_used_at = *u;
      r.revoked_at = *v;
      r.expires_at = *x;
      out.push_back(std::move(r));
    }
  } catch (const std::exception& e) {
    return store_error("cannot read API tokens", e);
  }
  return out;
}

Result<ApiTokenRecord> ApiTokenStore::get(int64_t id) {
  auto rows = select("id = :id", id, nullptr);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found("no API token with id " + std::to_string(id));
  return std::move(rows->front());
}

Result<ApiTokenRecord> ApiTokenStore::find_by_hash(const std::string& token_hash) {
  auto rows = select("token_hash = :h", 0, &token_hash);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found("no such API token");
  return std::move(rows->front());
}

Result<std::vector<ApiTokenRecord>> ApiTokenStore::list_for_user(int64_t user_id) {
  return select("user_id = :u ORDER BY id DESC", user_id, nullptr);
}

Result<int64_t> ApiTokenStore::count_active_for_user(int64_t user_id, Timestamp now) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long uid = user_id, n = 0;
    std::string at = format_timestamp(now);
    **lease << "SELECT COUNT(*) FROM api_tokens WHERE user_id = :u AND revoked_at IS NULL "
               "AND (expires_at IS NULL OR expires_at > :now)",
        soci::use(uid), soci::use(at), soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return store_error("cannot count API tokens", e);
  }
}

Status ApiTokenStore::revoke(int64_t id, Timestamp at) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string when = format_timestamp(at);
    long long key = id;
    soci::statement st = ((**lease).prepare << "UPDATE api_tokens SET revoked_at = COALESCE("
                                               "revoked_at, :at) WHERE id = :id",
                          soci::use(when), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0)
      return Error::not_found("no API token with id " + std::to_string(id));
  } catch (const std::exception& e) {
    return store_error("cannot revoke API token", e);
  }
  return {};
}

Result<int64_t> ApiTokenStore::revoke_for_user(int64_t user_id, Timestamp at) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string when = format_timestamp(at);
    long long key = user_id;
    soci::statement st = ((**lease).prepare << "UPDATE api_tokens SET revoked_at = :at "
                                               "WHERE user_id = :u AND revoked_at IS NULL",
                          soci::use(when), soci::use(key));
    st.execute(true);
    return static_cast<int64_t>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return store_error("cannot revoke API tokens", e);
  }
}

Status ApiTokenStore::touch(int64_t id, Timestamp last_used_at) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string when = format_timestamp(last_used_at);
    long long key = id;
    **lease << "UPDATE api_tokens SET last_used_at = :at WHERE id = :id", soci::use(when),
        soci::use(key);
  } catch (const std::exception& e) {
    return store_error("cannot update API token", e);
  }
  return {};
}

}  // namespace icrm::store
