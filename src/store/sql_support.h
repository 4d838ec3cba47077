// Internal helpers the repositories share: running a statement with a
// dynamic list of bound values and reading rows back as text, mapping SOCI
// exceptions to Error, and the dialect-neutral LIKE pattern. Used only inside
// src/store/; every function here may throw soci::soci_error, which the
// repository method catches with db_error().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/database.h"

#include <soci/soci-backend.h>

namespace soci {
class session;
class statement;
}

namespace icrm::store {

// One bound parameter: NULL, a 64-bit integer or text.
struct SqlValue {
  enum class Kind { kNull, kInt, kText };
  Kind kind = Kind::kNull;
  long long i = 0;
  std::string s;

  static SqlValue null() { return {}; }
  static SqlValue of(int64_t v) { return {Kind::kInt, static_cast<long long>(v), {}}; }
  static SqlValue of(std::string v) { return {Kind::kText, 0, std::move(v)}; }
  static SqlValue of(const char* v) { return of(std::string(v)); }
  static SqlValue of(Timestamp t) { return of(format_timestamp(t)); }
  template <typename T>
  static SqlValue of(const std::optional<T>& v) {
    return v ? of(*v) : null();
  }
};
using SqlParams = std::vector<SqlValue>;

// A result row: every column as text (NULL as nullopt). Both engines hand
// integers over as their decimal text, so one reader serves every table.
using SqlRow = std::vector<std::optional<std::string>>;

// Binds `params` to `st` in order (for statements whose results are read
// with typed soci::into, e.g. exact doubles); `indicators` must outlive the
// statement's execution, as must `params`.
void bind_params(soci::statement& st, const SqlParams& params,
                 std::vector<soci::indicator>& indicators);

// Runs `sql` (positional :p placeholders, bound in order) and returns its
// rows, each with `columns` columns. Works for INSERT ... RETURNING too.
std::vector<SqlRow> query_rows(soci::session& s, const std::string& sql, const SqlParams& params,
                               size_t columns);
// Runs a statement that returns no rows; returns the affected row count.
long long exec(soci::session& s, const std::string& sql, const SqlParams& params);

// Column readers for SqlRow cells.
int64_t cell_int(const std::optional<std::string>& cell);
std::optional<int64_t> cell_opt_int(const std::optional<std::string>& cell);
std::string cell_text(const std::optional<std::string>& cell);
std::optional<std::string> cell_opt_text(const std::optional<std::string>& cell);
Timestamp cell_time(const std::optional<std::string>& cell);
std::optional<Timestamp> cell_opt_time(const std::optional<std::string>& cell);

// True when `table` has a row with this id.
bool row_exists(soci::session& s, std::string_view table, int64_t id);

// A write transaction: BEGIN IMMEDIATE on SQLite (takes the write lock up
// front, so two writers that read first cannot deadlock on the upgrade),
// BEGIN on PostgreSQL. Rolled back when destroyed uncommitted, so an early
// return with an Error never leaves half a change behind.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& s, Engine engine);
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction();
  void commit();

 private:
  soci::session& s_;
  bool open_ = true;
};

// Turns an exception from SOCI into an Error: a unique violation becomes a
// conflict, a foreign-key violation an invalid argument, a lost connection
// unavailable, anything else internal. `what` says what was being done.
Error db_error(const std::exception& e, std::string_view what);

// "%text%" for `lower(col) LIKE :p ESCAPE '\'`, with %, _ and \ escaped and
// the text lower-cased (ASCII), so search is case-insensitive on both engines.
std::string like_pattern(std::string_view text);

}  // namespace icrm::store
