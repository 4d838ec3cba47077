// Internal helpers the repositories share: running a statement with a
// dynamic list of bound values and reading rows back as text, mapping SOCI
// exceptions to Error, and the dialect-neutral LIKE pattern. Used only inside
// src/store/; every function here may throw soci::soci_error, which the
// repository method catches with db_error().
#pragma once

#include <soci/soci-backend.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace soci {
class session;
class statement;
}  // namespace soci

namespace icrm::store {

// One bound parameter: NULL, a 64-bit integer, a double or text. Doubles
// are bound as doubles (exact on both engines), never through text.
struct SqlValue {
  enum class Kind { kNull, kInt, kDouble, kText };
  Kind kind = Kind::kNull;
  long long i = 0;
  std::string s;
  double d = 0;

  static SqlValue null() { return {}; }
  static SqlValue of(int64_t v) { return {Kind::kInt, static_cast<long long>(v), {}}; }
  // Not an of() overload: an int argument would be ambiguous between the two.
  static SqlValue real(double v) { return {Kind::kDouble, 0, {}, v}; }
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
// Bit i of `real_columns` marks column i as DOUBLE PRECISION: read as a
// double, so cell_double() gives back every bit on both engines (SQLite's
// own text has 15 significant digits). REQUIRES: columns <= 64 when
// real_columns is set.
std::vector<SqlRow> query_rows(soci::session& s, const std::string& sql, const SqlParams& params,
                               size_t columns, uint64_t real_columns = 0);
// Runs a statement that returns no rows; returns the affected row count.
long long exec(soci::session& s, const std::string& sql, const SqlParams& params);

// Column readers for SqlRow cells.
int64_t cell_int(const std::optional<std::string>& cell);
std::optional<int64_t> cell_opt_int(const std::optional<std::string>& cell);
// A DOUBLE PRECISION column read as text: SQLite gives 15 significant digits,
// PostgreSQL the shortest text that reads back exactly. Where every bit
// matters, read with a typed soci::into instead.
double cell_double(const std::optional<std::string>& cell);
std::optional<double> cell_opt_double(const std::optional<std::string>& cell);
std::string cell_text(const std::optional<std::string>& cell);
std::optional<std::string> cell_opt_text(const std::optional<std::string>& cell);
Timestamp cell_time(const std::optional<std::string>& cell);
std::optional<Timestamp> cell_opt_time(const std::optional<std::string>& cell);

// True when `table` has a row with this id.
bool row_exists(soci::session& s, std::string_view table, int64_t id);
// An absent id, or one `table` has; otherwise Error::invalid naming `field`
// ("owner_id 9 is not a user", with `noun` "user").
Status check_link(soci::session& s, std::string_view table, std::string_view field,
                  std::optional<int64_t> id, std::string_view noun);

// One connection as code shared by the repositories and BulkWriter sees it
// (the insert of an activity or message and the derivation that goes with
// it): SQL with named placeholders (:p0, :t1, ...), each used once and bound
// in the order they appear. The repositories run it through SOCI (SociRunner); BulkWriter
// through the engine's C API with statements prepared once. Failures throw:
// soci::soci_error from SOCI, SqlRunnerError from BulkWriter.
class SqlRunner {
 public:
  virtual ~SqlRunner() = default;
  virtual Engine engine() const = 0;
  virtual std::vector<SqlRow> query(const std::string& sql, const SqlParams& params,
                                    size_t columns) = 0;
};

struct SqlRunnerError : std::runtime_error {
  explicit SqlRunnerError(Error e) : std::runtime_error(e.message), error(std::move(e)) {}
  Error error;
};

class SociRunner final : public SqlRunner {
 public:
  SociRunner(soci::session& s, Engine engine) : s_(s), engine_(engine) {}
  Engine engine() const override { return engine_; }
  std::vector<SqlRow> query(const std::string& sql, const SqlParams& params,
                            size_t columns) override {
    return query_rows(s_, sql, params, columns);
  }

 private:
  soci::session& s_;
  Engine engine_;
};

// A write transaction: BEGIN IMMEDIATE on SQLite (takes the write lock up
// front, so two writers that read first cannot deadlock on the upgrade),
// BEGIN on PostgreSQL. Rolled back when destroyed uncommitted, so an early
// return with an Error never leaves half a change behind. With
// Flush::kUnflushed the commit does not wait for the disk; a SQLite
// connection gets its pool's synchronous=FULL back after it, committed or not.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& s, Engine engine);
  WriteTransaction(soci::session& s, const Database& db, Flush flush);
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction();
  void commit();

 private:
  void begin(Engine engine);
  // Rolls back what is open and gives SQLite its synchronous=FULL back.
  void end() noexcept;

  soci::session& s_;
  bool restore_full_ = false;  // SQLite: synchronous=FULL to set again at the end
  bool open_ = false;          // BEGIN ran, COMMIT not yet
};

// Turns an exception from SOCI into an Error: a unique violation becomes a
// conflict, a foreign-key violation an invalid argument, a lost connection
// unavailable, anything else internal; a SqlRunnerError keeps its Error.
// `what` says what was being done.
Error db_error(const std::exception& e, std::string_view what);

// Runs `body(session)` on a leased connection; an exception becomes
// db_error(e, what). `body` returns a Result.
template <typename Body>
auto with_connection(Database& db, std::string_view what, Body&& body)
    -> decltype(body(std::declval<soci::session&>())) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  try {
    return body(**lease);
  } catch (const std::exception& e) {
    return db_error(e, what);
  }
}

// with_connection() inside a WriteTransaction, committed when `body`
// returns a value: an Error it returns, or an exception, leaves nothing
// behind.
template <typename Body>
auto in_write_transaction(Database& db, std::string_view what, Body&& body)
    -> decltype(body(std::declval<soci::session&>())) {
  return with_connection(db, what, [&](soci::session& s) -> decltype(body(s)) {
    WriteTransaction tx(s, db.engine());
    auto result = body(s);
    if (result) tx.commit();
    return result;
  });
}

// "%text%" for `lower(col) LIKE :p ESCAPE '\'`, with %, _ and \ escaped and
// the text lower-cased (ASCII), so search is case-insensitive on both engines.
std::string like_pattern(std::string_view text);

}  // namespace icrm::store
