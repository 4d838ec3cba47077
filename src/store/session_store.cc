#include "store/session_store.h"

#include <soci/soci.h>

namespace icrm::store {
namespace {

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
}

Result<Timestamp> parse_column(const std::string& text, const char* column) {
  auto t = parse_timestamp(text);
  if (!t)
    return Error::internal(std::string("sessions.") + column + " is not a timestamp: " + text);
  return *t;
}

// Runs a DELETE/UPDATE and returns the affected row count.
template <typename... Uses>
int64_t execute_counting(soci::session& s, const std::string& sql, Uses&&... uses) {
  soci::statement st = ((s.prepare << sql), ..., soci::use(uses));
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace

Result<SessionRecord> SessionStore::create(const std::string& token_hash, int64_t user_id,
                                           Timestamp now, Timestamp expires_at,
                                           const std::string& client_address) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  SessionRecord r;
  r.token_hash = token_hash;
  r.user_id = user_id;
  r.created_at = r.last_seen_at = now;
  r.expires_at = expires_at;
  r.client_address = client_address.substr(0, kMaxClientAddressLength);
  try {
    std::string created = format_timestamp(now), expires = format_timestamp(expires_at);
    long long uid = user_id, id = 0;
    **lease << "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, "
               "client_address) VALUES (:h, :u, :c, :e, :l, :a) RETURNING id",
        soci::use(r.token_hash), soci::use(uid), soci::use(created), soci::use(expires),
        soci::use(created), soci::use(r.client_address), soci::into(id);
    r.id = id;
  } catch (const std::exception& e) {
    return store_error("cannot create session", e);
  }
  return r;
}

Result<SessionRecord> SessionStore::find_by_hash(const std::string& token_hash) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long id = 0, uid = 0;
    std::string created, expires, seen, address;
    soci::indicator address_ind = soci::i_ok;
    **lease << "SELECT id, user_id, created_at, expires_at, last_seen_at, client_address "
               "FROM sessions WHERE token_hash = :h",
        soci::use(token_hash), soci::into(id), soci::into(uid), soci::into(created),
        soci::into(expires), soci::into(seen), soci::into(address, address_ind);
    if (!(*lease)->got_data()) return Error::not_found("no such session");
    SessionRecord r;
    r.id = id;
    r.user_id = uid;
    r.token_hash = token_hash;
    if (address_ind == soci::i_ok) r.client_address = address;
    auto c = parse_column(created, "created_at");
    auto e = parse_column(expires, "expires_at");
    auto l = parse_column(seen, "last_seen_at");
    if (!c) return c.error();
    if (!e) return e.error();
    if (!l) return l.error();
    r.created_at = *c;
    r.expires_at = *e;
    r.last_seen_at = *l;
    return r;
  } catch (const std::exception& e) {
    return store_error("cannot read session", e);
  }
}

Status SessionStore::touch(int64_t id, Timestamp last_seen_at) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string at = format_timestamp(last_seen_at);
    long long key = id;
    execute_counting(**lease, "UPDATE sessions SET last_seen_at = :l WHERE id = :id", at, key);
  } catch (const std::exception& e) {
    return store_error("cannot update session", e);
  }
  return {};
}

Status SessionStore::remove(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long key = id;
    execute_counting(**lease, "DELETE FROM sessions WHERE id = :id", key);
  } catch (const std::exception& e) {
    return store_error("cannot delete session", e);
  }
  return {};
}

Result<int64_t> SessionStore::remove_for_user(int64_t user_id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long key = user_id;
    return execute_counting(**lease, "DELETE FROM sessions WHERE user_id = :u", key);
  } catch (const std::exception& e) {
    return store_error("cannot delete sessions", e);
  }
}

Result<int64_t> SessionStore::remove_expired(Timestamp now) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string at = format_timestamp(now);
    return execute_counting(**lease, "DELETE FROM sessions WHERE expires_at <= :now", at);
  } catch (const std::exception& e) {
    return store_error("cannot delete expired sessions", e);
  }
}

}  // namespace icrm::store
