// The numbered schema migrations compiled into the binary, oldest first. Each
// comes from src/store/migrations/NNNN_name.sql; a released migration is
// never edited, a change is a new file. The SQL is portable except for the
// placeholders the runner substitutes per engine:
//   {{id}}         an auto-increment BIGINT primary key
//   {{bigint}}     a 64-bit integer
#pragma once

#include <span>
#include <string_view>

namespace icrm::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements separated by ";\n"
};

std::span<const Migration> all_migrations();

}  // namespace icrm::store
