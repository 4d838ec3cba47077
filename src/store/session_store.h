// SessionStore: signed-in browser sessions. A row holds the SHA-256 of the
// session token (never the token), its user, when it was made, when it expires
// absolutely, when it was last used, and the client address it was made from.
// Expiry rules (absolute and idle) belong to api/auth/authenticator.h; this
// class only stores and finds. Times are passed in, so callers own the clock.
//
// Thread-safety: safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

// A client address is an IP literal; anything longer is not one.
inline constexpr size_t kMaxClientAddressLength = 64;

struct SqlValue;  // store/sql_support.h

struct SessionRecord {
  int64_t id = 0;
  std::string token_hash;
  int64_t user_id = 0;
  Timestamp created_at;
  Timestamp expires_at;
  Timestamp last_seen_at;
  std::string client_address;
};

class SessionStore {
 public:
  explicit SessionStore(Database& db) : db_(db) {}

  // created_at = last_seen_at = now. The client address is cut to its limit.
  Result<SessionRecord> create(const std::string& token_hash, int64_t user_id, Timestamp now,
                               Timestamp expires_at, const std::string& client_address);
  // not_found when no session has that hash.
  Result<SessionRecord> find_by_hash(const std::string& token_hash);
  Status touch(int64_t id, Timestamp last_seen_at);
  // Deleting a session that is already gone is not an error.
  Status remove(int64_t id);
  // Signs a user out everywhere but session `keep` (0: everywhere); returns
  // how many sessions ended.
  Result<int64_t> remove_for_user(int64_t user_id, int64_t keep = 0);
  // A user's sessions, newest first.
  Result<std::vector<SessionRecord>> list_for_user(int64_t user_id);
  // Housekeeping: deletes sessions whose absolute expiry is at or before
  // `now`, or last used at or before `idle_cutoff`.
  Result<int64_t> remove_expired(Timestamp now, Timestamp idle_cutoff);

 private:
  Result<std::vector<SessionRecord>> select(const std::string& where,
                                            const std::vector<SqlValue>& params);
  Database& db_;
};

}  // namespace icrm::store
