#include "store/entity_visibility.h"

namespace icrm::store {

std::string entity_visible_to_owner(std::string_view column, int64_t owner, SqlParams& params) {
  params.push_back(SqlValue::of(owner));
  // The hidden leads' keys, built once per query (a hashed subplan on
  // PostgreSQL, an ephemeral index on SQLite), rather than parsing each row's key.
  std::string c(column);
  return "(" + c + " IS NULL OR " + c +
         " NOT IN (SELECT 'lead:' || CAST(id AS TEXT) FROM leads WHERE owner_id IS NOT NULL AND "
         "owner_id <> :owner))";
}

}  // namespace icrm::store
