// The numbered schema migrations compiled into the binary, oldest first. Each
// comes from src/store/migrations/NNNN_name.sql; a released migration is
// never edited, a change is a new file. The SQL is portable except for the
// placeholders the runner substitutes per engine:
//   {{id}}         an auto-increment BIGINT primary key
//   {{bigint}}     a 64-bit integer
//   {{log_id}}     the primary key of an append-only table: SQLite's plain
//                  rowid (no AUTOINCREMENT bookkeeping), PostgreSQL's identity
//   {{unix_micros(C)}}  microseconds since the epoch of column C's
//                  format_timestamp() text, as an integer expression
//   {{restart_identity(T, C)}}  a statement: PostgreSQL's identity C of T
//                  continues after the highest stored (rows were copied with
//                  their ids); nothing on SQLite
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace icrm::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements separated by ";\n"
};

std::span<const Migration> all_migrations();

// The statements of `m` as `engine` runs them (placeholders substituted).
// Database::migrate() runs them; tests of one migration build the schema
// before it with them.
std::vector<std::string> migration_statements(const Migration& m, Engine engine);

}  // namespace icrm::store
