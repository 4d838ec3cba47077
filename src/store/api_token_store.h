// ApiTokenStore: named, revocable API keys for scripts (Bearer tokens). A row
// keeps the SHA-256 of the key, never the key; `prefix` is the first few
// characters so people can tell their keys apart. Revoked keys stay listed
// (with revoked_at) so the audit trail keeps their names.
//
// Thread-safety: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

struct ApiTokenRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;
  std::string prefix;
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;
  // Unset only on keys made before tokens expired (api/auth decides what
  // that means).
  std::optional<Timestamp> expires_at;
  bool active() const { return !revoked_at.has_value(); }
};

class ApiTokenStore {
 public:
  explicit ApiTokenStore(Database& db) : db_(db) {}

  // Validation (name length, count per user) is the caller's; the store
  // stores. `record.id`, last_used_at and revoked_at are ignored;
  // expires_at is stored.
  Result<ApiTokenRecord> create(const ApiTokenRecord& record);
  Result<ApiTokenRecord> get(int64_t id);
  // not_found when no key has that hash (revoked keys are found, with revoked_at).
  Result<ApiTokenRecord> find_by_hash(const std::string& token_hash);
  // A user's keys, newest first, revoked ones included.
  Result<std::vector<ApiTokenRecord>> list_for_user(int64_t user_id);
  // Keys neither revoked nor expired at `now` (keys without an expiry count).
  Result<int64_t> count_active_for_user(int64_t user_id, Timestamp now);
  // Idempotent: revoking a revoked key keeps its first revocation time.
  Status revoke(int64_t id, Timestamp at);
  // Revokes every active key of the user; returns how many.
  Result<int64_t> revoke_for_user(int64_t user_id, Timestamp at);
  Status touch(int64_t id, Timestamp last_used_at);

 private:
  Result<std::vector<ApiTokenRecord>> select(const std::string& where, long long key,
                                             const std::string* text_key);
  Database& db_;
};

}  // namespace icrm::store
