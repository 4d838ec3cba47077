// What a user who sees only their own and unassigned leads (a sales rep) sees
// of the behaviour stream's tables (events, alerts): the rows whose entity key
// names no lead owned by someone else. Rows about customers, visitors or the
// whole stream (a NULL entity) stay. The lead visibility rule of
// list_sql.cc's owner filter, applied to an entity key column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/sql_support.h"

namespace icrm::store {

// The SQL condition on `column` (a canonical entity key: "lead:42"); appends
// its one positional parameter to `params`.
std::string entity_visible_to_owner(std::string_view column, int64_t owner, SqlParams& params);

}  // namespace icrm::store
