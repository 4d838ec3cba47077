#include "store/session_store.h"

#include <soci/soci.h>

#include "store/sql_support.h"

namespace icrm::store {
namespace {

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
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

Result<std::vector<SessionRecord>> SessionStore::select(const std::string& where,
                                                        const SqlParams& params) {
  return with_connection(
      db_, "cannot read sessions", [&](soci::session& s) -> Result<std::vector<SessionRecord>> {
        auto rows = query_rows(s,
                               "SELECT id, user_id, created_at, expires_at, last_seen_at, "
                               "client_address, token_hash FROM sessions WHERE " +
                                   where,
                               params, 7);
        std::vector<SessionRecord> out;
        for (const SqlRow& r : rows) {
          SessionRecord rec;
          rec.id = cell_int(r[0]);
          rec.user_id = cell_int(r[1]);
          rec.created_at = cell_time(r[2]);
          rec.expires_at = cell_time(r[3]);
          rec.last_seen_at = cell_time(r[4]);
          rec.client_address = cell_opt_text(r[5]).value_or("");
          rec.token_hash = cell_text(r[6]);
          out.push_back(std::move(rec));
        }
        return out;
      });
}

Result<SessionRecord> SessionStore::find_by_hash(const std::string& token_hash) {
  auto rows = select("token_hash = :h", {SqlValue::of(token_hash)});
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found("no such session");
  return std::move(rows->front());
}

Result<std::vector<SessionRecord>> SessionStore::list_for_user(int64_t user_id) {
  return select("user_id = :u ORDER BY id DESC", {SqlValue::of(user_id)});
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

Result<int64_t> SessionStore::remove_for_user(int64_t user_id, int64_t keep) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long key = user_id, kept = keep;
    return execute_counting(**lease, "DELETE FROM sessions WHERE user_id = :u AND id <> :k", key,
                            kept);
  } catch (const std::exception& e) {
    return store_error("cannot delete sessions", e);
  }
}

Result<int64_t> SessionStore::remove_expired(Timestamp now, Timestamp idle_cutoff) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string at = format_timestamp(now), idle = format_timestamp(idle_cutoff);
    return execute_counting(
        **lease, "DELETE FROM sessions WHERE expires_at <= :now OR last_seen_at <= :idle", at,
        idle);
  } catch (const std::exception& e) {
    return store_error("cannot delete expired sessions", e);
  }
}

}  // namespace icrm::store
