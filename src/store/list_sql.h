// Internal: turns a ListQuery into SQL for one table, described by a ListSpec
// (which fields may be filtered and sorted, what `q` searches), runs it and
// encodes the next cursor. Each repository declares its spec once.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/sql_support.h"

namespace icrm::store {

enum class FieldType {
  kText,          // exact match
  kCaselessText,  // exact match ignoring ASCII case (e-mail)
  kEnum,          // one of `values`
  kInteger,       // also "null", _from and _to
  kTimestamp,     // ISO-8601; also _from and _to
  kMicros,        // ISO-8601 to clients, integer microseconds since the epoch
                  // in the column (transactions.occurred_us); also _from and _to
};

struct ListField {
  std::string_view name;    // as used in filters and sort
  std::string_view column;  // the SQL column
  FieldType type;
  bool filterable;
  bool sortable;
  // The ORDER BY expression when not the column itself; it must never be NULL
  // (wrap nullable columns in COALESCE) so keyset comparison works on both
  // engines, which order NULLs differently.
  std::string_view sort_expr = {};
  std::span<const std::string_view> values = {};  // kEnum: allowed values
};

struct ListSpec {
  std::string_view entity;  // for messages: "customers"
  std::string_view table;
  std::string_view columns;  // SELECT list, as the repository's row reader expects
  size_t column_count;
  std::span<const ListField> fields;
  std::span<const std::string_view> search_columns;  // what q searches
  std::string_view owner_column;                     // empty: visible_to_owner unsupported
  std::string_view default_sort;                     // e.g. "-created_at"
};

struct ListRows {
  std::vector<SqlRow> rows;  // each with spec.column_count cells
  std::string next_cursor;
};

// The filters and sorts `spec` accepts.
ListCapabilities capabilities(const ListSpec& spec);

// Validates `query` against `spec`, runs it and returns at most query.limit rows.
Result<ListRows> run_list(Database& db, const ListSpec& spec, const ListQuery& query);

// run_list() with each row read by `from_row` into a T.
template <typename T>
Result<Page<T>> list_page(Database& db, const ListSpec& spec, const ListQuery& query,
                          T (*from_row)(const SqlRow&)) {
  auto rows = run_list(db, spec, query);
  if (!rows) return rows.error();
  Page<T> page;
  for (const auto& r : rows->rows) page.items.push_back(from_row(r));
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

}  // namespace icrm::store
