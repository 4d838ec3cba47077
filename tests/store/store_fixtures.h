// Helpers shared by the repository tests: users to own records (the users
// repository belongs to the auth stage, so tests insert rows directly), and
// a fixed clock.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "store/database.h"
#include "store/lead_store.h"

namespace icrm::testing {

inline Timestamp test_time(const char* iso) { return *parse_timestamp(iso); }

// Inserts a user and returns its id.
inline int64_t add_user(store::Database& db, const std::string& email,
                        const std::string& role = "rep") {
  auto lease = db.lease();
  long long id = 0;
  std::string name = "User " + email;
  **lease << "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) "
             "VALUES (:e, :n, :r, 'x', '2026-01-01T00:00:00.000000Z', "
             "'2026-01-01T00:00:00.000000Z') RETURNING id",
      soci::use(email), soci::use(name), soci::use(role), soci::into(id);
  return id;
}

// Creates a lead owned by `owner` (none: unassigned) and returns its id.
inline int64_t add_lead(store::Database& db, std::optional<int64_t> owner,
                        const std::string& name = "Lead") {
  ManualClock clock(test_time("2026-11-23T09:00:00Z"));
  store::Lead l;
  l.name = name;
  l.owner_id = owner;
  return store::LeadStore(db, clock).create(store::Actor::system(), l)->id;
}

// Registers an (empty) active lead model and returns its id, for tests that
// need scores without training.
inline int64_t add_lead_model(store::Database& db) {
  auto lease = db.lease();
  long long id = 0;
  **lease << "INSERT INTO models (entity, target, kind, version, created_at, metrics, bundle, "
             "feature_spec, active) VALUES ('leads', 'converted', 'lr', 1, "
             "'2026-01-01T00:00:00.000000Z', '{}', '{}', '{}', 1) RETURNING id",
      soci::into(id);
  return id;
}

// Rows in a table, for "nothing half-written" checks.
inline long long count_rows(store::Database& db, const std::string& table,
                            const std::string& where = "1=1") {
  auto lease = db.lease();
  long long n = 0;
  **lease << "SELECT COUNT(*) FROM " + table + " WHERE " + where, soci::into(n);
  return n;
}

}  // namespace icrm::testing
