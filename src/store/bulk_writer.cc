#include "store/bulk_writer.h"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cctype>
#include <functional>
#include <variant>

#include "core/time.h"
#include "store/activity_store.h"
#include "store/communication_store.h"
#include "store/records.h"
#include "store/schema/fields.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

using Cell = std::variant<std::monostate, int64_t, double, std::string_view>;
// One result row: each column as text, or nullopt for NULL.
using RowFn = std::function<void(std::span<const std::optional<std::string_view>>)>;

Cell opt(const std::optional<std::string>& v) {
  return v ? Cell(std::string_view(*v)) : Cell(std::monostate{});
}
Cell opt(const std::optional<int64_t>& v) { return v ? Cell(*v) : Cell(std::monostate{}); }
Cell txt(const std::string& v) { return std::string_view(v); }
// Updates: an empty value keeps what is stored (COALESCE with NULL).
Cell keep_if_empty(const std::string& v) {
  return v.empty() ? Cell(std::monostate{}) : Cell(std::string_view(v));
}

// SQLite page cache while a BulkWriter holds the connection.
constexpr int kSqliteBulkCacheKiB = 256 << 10;
// ... and once defer_indexes() has dropped a table's indexes. The load then
// only appends (at the table's right edge and its unique keys'), and each
// CREATE INDEX of rebuild_deferred() sorts in runs the size of the page
// cache: with 256 MiB it sorts all 541,909 keys of the Online Retail load in
// one run (a buffer grown by reallocation to 100+ MB, then a merge that
// misses the CPU cache at every step), with 2 MiB in runs that fit the CPU
// cache, merged from temporary files. Measured (bench/README.md,
// import_bench.sh, fifth round): the three CREATE INDEX 2.4 -> 0.9 CPU s,
// the whole load 3.6 -> 2.6 CPU s; 1-4 MiB all alike, 16 MiB already slower.
constexpr int kSqliteAppendCacheKiB = 2 << 10;
// Rows sent to PostgreSQL's COPY per PQputCopyData call.
constexpr std::size_t kCopyChunkBytes = 1 << 20;

// "($1, $2), ($3, $4)": the VALUES of a many-row INSERT, `rows` of `columns`
// positional parameters.
std::string values_list(std::size_t rows, std::size_t columns) {
  std::string sql;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t c = 0; c < columns; ++c)
      sql += fmt::format("{}${}", c ? ", " : "", r * columns + c + 1);
    sql += ")";
  }
  return sql;
}

}  // namespace

// The engine's C API behind one small interface: statements prepared once
// (cached by SQL text) and run with positional parameters $1..$n.
class BulkWriter::Backend {
 public:
  virtual ~Backend() = default;
  virtual Status exec(const std::string& sql) = 0;
  // Runs a statement; when it returns rows, the first column of the first row
  // (RETURNING id) is the result.
  virtual Result<std::optional<int64_t>> run(const std::string& sql,
                                             std::span<const Cell> params) = 0;
  virtual Status query(const std::string& sql, std::span<const Cell> params, const RowFn& fn) = 0;
  virtual Status insert_transactions(std::span<const TransactionRow> rows) = 0;
  // Frees the statements it prepared on the connection, which goes back to
  // the pool (where the connection's StatementCache keeps statements of its
  // own: they stay).
  virtual void forget_statements() {}
};

namespace {

constexpr const char* kTransactionColumns =
    "external_id, line_no, customer_id, product_id, quantity, unit_price_minor, amount_minor, "
    "currency, occurred_us, created_at";

void transaction_cells(const TransactionRow& r, Cell* out) {
  out[0] = opt(r.external_id);
  out[1] = r.line_no;
  out[2] = opt(r.customer_id);
  out[3] = opt(r.product_id);
  out[4] = r.quantity;
  out[5] = r.unit_price_minor;
  out[6] = r.amount_minor;
  out[7] = txt(r.currency);
  out[8] = r.occurred_us;
  out[9] = txt(r.created_at);
}

// ---------------------------------------------------------------- SQLite
// The statements here number their parameters PostgreSQL's way, "$1".."$n".
// SQLite reads "$1" as a parameter *named* "$1" and looks each name up in a
// list of those seen so far, one string compare per entry: preparing a
// statement of n parameters costs n^2/2 compares (a 256-row insert of
// customers, 2,816 parameters: ~4 million). "?1" is the same parameter by
// number, with no lookup. Quoted text and identifiers are left as they are.
std::string question_mark_params(std::string_view sql) {
  std::string out(sql);
  char quote = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < out.size() &&
               std::isdigit(static_cast<unsigned char>(out[i + 1]))) {
      out[i] = '?';
    }
  }
  return out;
}

class SqliteBackend final : public BulkWriter::Backend {
 public:
  explicit SqliteBackend(sqlite_api::sqlite3* db) : db_(db) {}
  ~SqliteBackend() override {
    for (auto& [sql, stmt] : cache_) sqlite_api::sqlite3_finalize(stmt);
  }

  Status exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite_api::sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite_api::sqlite3_free(err);
      return failure(msg);
    }
    return {};
  }

  Result<std::optional<int64_t>> run(const std::string& sql,
                                     std::span<const Cell> params) override {
    auto st = prepare(sql);
    if (!st) return st.error();
    auto bound = bind(*st, params);
    if (!bound) return bound.error();
    std::optional<int64_t> id;
    int rc = sqlite_api::sqlite3_step(*st);
    if (rc == SQLITE_ROW) {
      id = sqlite_api::sqlite3_column_int64(*st, 0);
      rc = sqlite_api::sqlite3_step(*st);
    }
    sqlite_api::sqlite3_reset(*st);
    if (rc != SQLITE_DONE) return failure(sqlite_api::sqlite3_errmsg(db_));
    return id;
  }

  Status query(const std::string& sql, std::span<const Cell> params, const RowFn& fn) override {
    auto st = prepare(sql);
    if (!st) return st.error();
    auto bound = bind(*st, params);
    if (!bound) return bound.error();
    int n = sqlite_api::sqlite3_column_count(*st);
    std::vector<std::optional<std::string_view>> row(static_cast<std::size_t>(n));
    int rc;
    while ((rc = sqlite_api::sqlite3_step(*st)) == SQLITE_ROW) {
      for (int i = 0; i < n; ++i) {
        if (sqlite_api::sqlite3_column_type(*st, i) == SQLITE_NULL) {
          row[i].reset();
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite_api::sqlite3_column_text(*st, i));
          row[i] = std::string_view(
              text, static_cast<std::size_t>(sqlite_api::sqlite3_column_bytes(*st, i)));
        }
      }
      fn(row);
    }
    sqlite_api::sqlite3_reset(*st);
    if (rc != SQLITE_DONE) return failure(sqlite_api::sqlite3_errmsg(db_));
    return {};
  }

  Status insert_transactions(std::span<const TransactionRow> rows) override {
    static const std::string one_sql = insert_sql(1, "INSERT");
    // Without foreign keys nothing in the statement can abort half-way but a
    // unique key, and OR FAIL (keep the rows before it; the caller rolls the
    // transaction back anyway) spares SQLite a statement journal per insert.
    static const std::string many_sql = insert_sql(kRowsPerInsert, "INSERT OR FAIL");
    std::size_t i = 0;
    if (!foreign_keys()) {
      auto st = prepare(many_sql);
      if (!st) return st.error();
      Cell cells[10 * kRowsPerInsert];
      for (; i + kRowsPerInsert <= rows.size(); i += kRowsPerInsert) {
        for (std::size_t k = 0; k < kRowsPerInsert; ++k)
          transaction_cells(rows[i + k], cells + 10 * k);
        if (auto s = step_done(*st, cells); !s) return s;
      }
    }
    auto st = prepare(one_sql);
    if (!st) return st.error();
    Cell cells[10];
    for (; i < rows.size(); ++i) {
      transaction_cells(rows[i], cells);
      if (auto s = step_done(*st, cells); !s) return s;
    }
    return {};
  }

 private:
  // Sales lines per statement when foreign keys are off: fewer statements to
  // start and finish (each opens a cursor on every index) at 640 parameters,
  // far below SQLite's limit.
  static constexpr std::size_t kRowsPerInsert = 64;

  static std::string insert_sql(std::size_t rows, std::string_view verb) {
    return fmt::format("{} INTO transactions ({}) VALUES {}", verb, kTransactionColumns,
                       values_list(rows, 10));
  }

  bool foreign_keys() {
    sqlite_api::sqlite3_stmt* st = nullptr;
    bool on = true;
    if (sqlite_api::sqlite3_prepare_v2(db_, "PRAGMA foreign_keys", -1, &st, nullptr) == SQLITE_OK &&
        sqlite_api::sqlite3_step(st) == SQLITE_ROW)
      on = sqlite_api::sqlite3_column_int(st, 0) != 0;
    sqlite_api::sqlite3_finalize(st);
    return on;
  }

  Status step_done(sqlite_api::sqlite3_stmt* st, std::span<const Cell> cells) {
    auto bound = bind(st, cells);
    if (!bound) return bound;
    int rc = sqlite_api::sqlite3_step(st);
    sqlite_api::sqlite3_reset(st);
    if (rc != SQLITE_DONE) return failure(sqlite_api::sqlite3_errmsg(db_));
    return {};
  }

  static Error failure(std::string_view msg) {
    std::string m(msg);
    if (m.find("UNIQUE") != std::string::npos || m.find("FOREIGN KEY") != std::string::npos ||
        m.find("CHECK") != std::string::npos)
      return Error::conflict("store refused the row: " + m);
    return Error::unavailable("sqlite: " + m);
  }

  Result<sqlite_api::sqlite3_stmt*> prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite_api::sqlite3_stmt* st = nullptr;
    const std::string numbered = question_mark_params(sql);
    if (sqlite_api::sqlite3_prepare_v3(db_, numbered.c_str(), static_cast<int>(numbered.size()),
                                       SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      return Error::internal(
          fmt::format("sqlite cannot prepare {}: {}", sql, sqlite_api::sqlite3_errmsg(db_)));
    }
    cache_.emplace(sql, st);
    return st;
  }

  Status bind(sqlite_api::sqlite3_stmt* st, std::span<const Cell> params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      int pos = static_cast<int>(i) + 1;
      int rc;
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        rc = sqlite_api::sqlite3_bind_int64(st, pos, *v);
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        rc = sqlite_api::sqlite3_bind_double(st, pos, *d);
      } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
        rc = sqlite_api::sqlite3_bind_text(st, pos, s->data(), static_cast<int>(s->size()),
                                           SQLITE_STATIC);
      } else {
        rc = sqlite_api::sqlite3_bind_null(st, pos);
      }
      if (rc != SQLITE_OK) return failure(sqlite_api::sqlite3_errmsg(db_));
    }
    return {};
  }

  sqlite_api::sqlite3* db_;
  std::unordered_map<std::string, sqlite_api::sqlite3_stmt*> cache_;
};

// ------------------------------------------------------------ PostgreSQL
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

class PgBackend final : public BulkWriter::Backend {
 public:
  explicit PgBackend(PGconn* conn) : conn_(conn) {}

  void forget_statements() override {
    for (const auto& [sql, name] : cache_) (void)exec("DEALLOCATE " + name);
    cache_.clear();
  }

  Status exec(const std::string& sql) override {
    PgResult r(PQexec(conn_, sql.c_str()));
    return check(r.get());
  }

  Result<std::optional<int64_t>> run(const std::string& sql,
                                     std::span<const Cell> params) override {
    std::optional<int64_t> id;
    auto st = query(sql, params, [&id](std::span<const std::optional<std::string_view>> row) {
      if (!id && !row.empty() && row[0]) id = std::stoll(std::string(*row[0]));
    });
    if (!st) return st.error();
    return id;
  }

  Status query(const std::string& sql, std::span<const Cell> params, const RowFn& fn) override {
    auto name = prepare(sql, static_cast<int>(params.size()));
    if (!name) return name.error();
    std::vector<std::string> ints;
    ints.reserve(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        ints.push_back(std::to_string(*v));
        values[i] = ints.back().c_str();
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        ints.push_back(fmt::format("{}", *d));  // shortest text that reads back exactly
        values[i] = ints.back().c_str();
      } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
        // Text parameters need not be NUL-terminated when a length is given
        // only in binary format; copy to be safe with the text protocol.
        ints.emplace_back(*s);
        values[i] = ints.back().c_str();
      }
    }
    // `ints` must not reallocate after c_str() was taken: reserved above.
    PgResult r(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(),
                              nullptr, nullptr, 0));
    auto ok = check(r.get());
    if (!ok) return ok;
    int rows = PQntuples(r.get()), cols = PQnfields(r.get());
    std::vector<std::optional<std::string_view>> row(static_cast<std::size_t>(cols));
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r.get(), i, c)) {
          row[c].reset();
        } else {
          row[c] = std::string_view(PQgetvalue(r.get(), i, c),
                                    static_cast<std::size_t>(PQgetlength(r.get(), i, c)));
        }
      }
      fn(row);
    }
    return {};
  }

  Status insert_transactions(std::span<const TransactionRow> rows) override {
    if (rows.empty()) return {};
    PgResult start(PQexec(
        conn_, fmt::format("COPY transactions ({}) FROM STDIN", kTransactionColumns).c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) return check(start.get());
    std::string buf;
    buf.reserve(kCopyChunkBytes + 4096);
    Cell cells[10];
    auto send = [this, &buf]() -> bool {
      bool ok = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
      return ok;
    };
    for (const TransactionRow& r : rows) {
      transaction_cells(r, cells);
      for (int i = 0; i < 10; ++i) {
        if (i) buf.push_back('\t');
        if (const auto* v = std::get_if<int64_t>(&cells[i])) {
          fmt::format_to(std::back_inserter(buf), "{}", *v);
        } else if (const auto* s = std::get_if<std::string_view>(&cells[i])) {
          append_copy_text(*s, buf);
        } else {
          buf += "\\N";
        }
      }
      buf.push_back('\n');
      if (buf.size() >= kCopyChunkBytes && !send()) break;
    }
    if (!buf.empty()) send();
    if (PQputCopyEnd(conn_, nullptr) != 1)
      return Error::unavailable(std::string("postgresql: ") + PQerrorMessage(conn_));
    Status result;
    while (PGresult* r = PQgetResult(conn_)) {
      PgResult owned(r);
      auto st = check(r);
      if (!st && result) result = st;
    }
    return result;
  }

 private:
  static void append_copy_text(std::string_view s, std::string& out) {
    for (char c : s) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out.push_back(c);
      }
    }
  }

  Status check(PGresult* r) {
    auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string msg = PQresultErrorMessage(r);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (state && std::string_view(state).substr(0, 2) == "23")
      return Error::conflict("store refused the row: " + msg);
    return Error::unavailable("postgresql: " + msg);
  }

  Result<std::string> prepare(const std::string& sql, int n_params) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    std::string name = fmt::format("icrm_bulk_{}", cache_.size());
    PgResult r(PQprepare(conn_, name.c_str(), sql.c_str(), n_params, nullptr));
    auto ok = check(r.get());
    if (!ok) return ok.error();
    cache_.emplace(sql, name);
    return name;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> cache_;
};

}  // namespace

std::string transaction_key(std::string_view external_id, int64_t line_no) {
  std::string key(external_id);
  key.push_back('\x1f');
  key += std::to_string(line_no);
  return key;
}

Result<std::unique_ptr<BulkWriter>> BulkWriter::open(Database& db) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  std::unique_ptr<Backend> backend;
  if (db.engine() == Engine::kSqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
    backend = std::make_unique<SqliteBackend>(be->conn_);
    // A bulk load touches every page of four indexes; with SQLite's default
    // 2 MB cache it re-reads them from the OS over and over.
    auto st = backend->exec(fmt::format("PRAGMA cache_size = -{}", kSqliteBulkCacheKiB));
    // Statement journals in memory: inside a long transaction every INSERT
    // into a table with unique keys keeps the pages it changes in a
    // statement journal (to undo that one statement), which past 64 KiB
    // SQLite spills to a temporary file — one pwrite per page per row. The
    // bank-marketing load made 624,000 of them for 41,188 leads (strace), a
    // third of its time. Reset to the default when the writer closes.
    if (st) st = backend->exec("PRAGMA temp_store = MEMORY");
    if (!st) return st.error();
  } else {
    auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
    backend = std::make_unique<PgBackend>(be->conn_);
  }
  std::unique_ptr<BulkWriter> w(new BulkWriter(std::move(*lease), db.engine(), std::move(backend)));
  if (db.engine() == Engine::kSqlite) {
    auto fk = w->pragma("foreign_keys");
    auto sync = w->pragma("synchronous");
    if (!fk) return fk.error();
    if (!sync) return sync.error();
    w->pooled_foreign_keys_ = *fk;
    w->pooled_synchronous_ = *sync;
  }
  return w;
}

Result<int64_t> BulkWriter::pragma(std::string_view name) {
  int64_t value = 0;
  auto st = backend_->query(fmt::format("PRAGMA {}", name), {},
                            [&](std::span<const std::optional<std::string_view>> row) {
                              if (!row.empty() && row[0]) value = std::stoll(std::string(*row[0]));
                            });
  if (!st) return st.error();
  return value;
}

Status BulkWriter::set_foreign_keys(bool on) {
  if (engine_ != Engine::kSqlite) return {};
  if (in_transaction_) return Error::internal("set_foreign_keys inside a transaction");
  return backend_->exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

Status BulkWriter::set_sync_commits(bool on) {
  if (engine_ != Engine::kSqlite || rollback_journal_) return {};  // rollback journal: always FULL
  if (in_transaction_) return Error::internal("set_sync_commits inside a transaction");
  // FULL: the WAL is synced at every commit. NORMAL: only at checkpoints.
  return backend_->exec(
      fmt::format("PRAGMA synchronous = {}", on ? std::max<int64_t>(pooled_synchronous_, 2) : 1));
}

Result<bool> BulkWriter::use_rollback_journal(std::string_view table) {
  if (engine_ != Engine::kSqlite || rollback_journal_) return rollback_journal_;
  if (in_transaction_) return Error::internal("use_rollback_journal inside a transaction");
  std::string file;
  auto st = backend_->query("PRAGMA database_list", {},
                            [&](std::span<const std::optional<std::string_view>> row) {
                              if (row.size() > 2 && row[1] == "main" && row[2]) file = *row[2];
                            });
  if (!st) return st.error();
  if (file.empty()) return false;  // in memory: no journal file to spare
  bool empty = true;
  st = backend_->query(fmt::format("SELECT 1 FROM {} LIMIT 1", table), {},
                       [&](std::span<const std::optional<std::string_view>>) { empty = false; });
  if (!st) return st.error();
  if (!empty) return false;
  // Leaving WAL needs the file to itself: with another connection open it
  // fails at once (SQLITE_BUSY, no busy wait), and the load stays in WAL.
  std::string mode;
  st = backend_->query("PRAGMA journal_mode = DELETE", {},
                       [&](std::span<const std::optional<std::string_view>> row) {
                         if (!row.empty() && row[0]) mode = *row[0];
                       });
  if (!st || mode != "delete") return false;
  rollback_journal_ = true;
  writeback_ = FileWriteback::of_open_file(file);
  st = backend_->exec(
      fmt::format("PRAGMA synchronous = {}", std::max<int64_t>(pooled_synchronous_, 2)));
  if (!st) return st.error();
  return true;
}

Status BulkWriter::end_rollback_journal() {
  if (!rollback_journal_) return {};
  if (in_transaction_) return Error::internal("end_rollback_journal inside a transaction");
  std::string mode;
  auto st = backend_->query("PRAGMA journal_mode = WAL", {},
                            [&](std::span<const std::optional<std::string_view>> row) {
                              if (!row.empty() && row[0]) mode = *row[0];
                            });
  if (!st) return st;
  if (mode != "wal")
    return Error::unavailable("could not switch the database back to WAL (journal mode " + mode +
                              ")");
  rollback_journal_ = false;
  writeback_ = {};
  return {};
}

Result<int64_t> BulkWriter::data_version() {
  if (engine_ != Engine::kSqlite) return 0;
  return pragma("data_version");
}

BulkWriter::BulkWriter(Database::Lease lease, Engine engine, std::unique_ptr<Backend> backend)
    : lease_(std::move(lease)), engine_(engine), backend_(std::move(backend)) {}

BulkWriter::~BulkWriter() {
  // Prepared statements belong to the connection, which goes back to the pool;
  // on PostgreSQL they would clash with the next BulkWriter's names. Only our
  // own: DEALLOCATE ALL would also drop the statements the connection's
  // StatementCache keeps, whose next use would then fail.
  if (in_transaction_) (void)rollback();
  (void)end_rollback_journal();
  backend_->forget_statements();
  if (engine_ == Engine::kSqlite) {
    (void)backend_->exec("PRAGMA cache_size = -2000");  // SQLite's default
    (void)backend_->exec("PRAGMA temp_store = DEFAULT");
    (void)backend_->exec(fmt::format("PRAGMA foreign_keys = {}", pooled_foreign_keys_));
    (void)backend_->exec(fmt::format("PRAGMA synchronous = {}", pooled_synchronous_));
  }
  backend_.reset();
}

Status BulkWriter::begin() {
  auto st = backend_->exec(engine_ == Engine::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  if (st) in_transaction_ = true;
  return st;
}

Status BulkWriter::commit() {
  auto st = backend_->exec("COMMIT");
  in_transaction_ = false;
  return st;
}

Status BulkWriter::rollback() {
  if (!in_transaction_) return {};
  in_transaction_ = false;
  return backend_->exec("ROLLBACK");
}

Result<std::size_t> BulkWriter::defer_indexes(std::string_view table) {
  if (!in_transaction_) return Error::internal("defer_indexes outside a transaction");
  bool empty = true;
  auto st =
      backend_->query(fmt::format("SELECT 1 FROM {} LIMIT 1", table), {},
                      [&](std::span<const std::optional<std::string_view>>) { empty = false; });
  if (!st) return st.error();
  if (!empty) return 0;
  // (drop statement, statement that rebuilds it), read before anything is dropped.
  std::vector<std::pair<std::string, std::string>> found;
  // A row (name, CREATE INDEX statement) of the queries below.
  auto index = [&](std::span<const std::optional<std::string_view>> row) {
    if (row[0] && row[1])
      found.emplace_back(fmt::format("DROP INDEX \"{}\"", *row[0]), std::string(*row[1]));
  };
  Cell p[] = {table};
  if (engine_ == Engine::kSqlite) {
    // Indexes made by a constraint have no SQL of their own; UNIQUE ones enforce a rule.
    st = backend_->query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 "
        "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        p, index);
  } else {
    st = backend_->query(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass "
        "AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
        p, index);
    std::string alter = fmt::format("ALTER TABLE {} ", table);
    if (st)
      st = backend_->query(
          "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
          "WHERE conrelid = $1::regclass "
          "AND contype = 'f' ORDER BY conname",
          p, [&](std::span<const std::optional<std::string_view>> row) {
            if (!row[0] || !row[1]) return;
            found.emplace_back(fmt::format("{}DROP CONSTRAINT \"{}\"", alter, *row[0]),
                               fmt::format("{}ADD CONSTRAINT \"{}\" {}", alter, *row[0], *row[1]));
          });
  }
  if (!st) return st.error();
  // A drop that cannot have its lock in time (PostgreSQL: another session
  // reading a table it touches, past lock_timeout) undoes the others, and the
  // load keeps its indexes up row by row instead.
  if (auto saved = backend_->exec("SAVEPOINT defer_indexes"); !saved) return saved.error();
  for (auto& [drop, build] : found) {
    if (!backend_->exec(drop)) {
      deferred_.clear();
      auto undone = backend_->exec("ROLLBACK TO SAVEPOINT defer_indexes");
      if (undone) undone = backend_->exec("RELEASE SAVEPOINT defer_indexes");
      if (!undone) return undone.error();
      return 0;
    }
    deferred_.push_back(std::move(build));
  }
  if (auto released = backend_->exec("RELEASE SAVEPOINT defer_indexes"); !released)
    return released.error();
  if (engine_ == Engine::kSqlite && !found.empty()) {
    auto small = backend_->exec(fmt::format("PRAGMA cache_size = -{}", kSqliteAppendCacheKiB));
    // And temporary files again: with temp_store = MEMORY SQLite's sorter
    // never writes a sorted run, so CREATE INDEX would sort every key in one
    // run after all (the Online Retail load measured 2.4 -> 3.1 s wall).
    if (small) small = backend_->exec("PRAGMA temp_store = DEFAULT");
    if (!small) return small.error();
  }
  return found.size();
}

Status BulkWriter::rebuild_deferred() {
  for (const std::string& sql : deferred_) {
    if (auto st = backend_->exec(sql); !st) return st;
    writeback_.start();
  }
  deferred_.clear();
  return {};
}

Result<int64_t> BulkWriter::read_keys(KeyColumn column, KeyIndex& index, int64_t after_id) {
  std::string sql;
  switch (column) {
    case KeyColumn::kCustomerExternalId:
      sql = "SELECT id, external_id FROM customers WHERE id > $1 AND external_id IS NOT NULL";
      break;
    case KeyColumn::kCustomerEmail:
      sql = "SELECT id, lower(email) FROM customers WHERE id > $1 AND email IS NOT NULL";
      break;
    case KeyColumn::kLeadExternalId:
      sql = "SELECT id, external_id FROM leads WHERE id > $1 AND external_id IS NOT NULL";
      break;
    case KeyColumn::kLeadEmail:
      sql = "SELECT id, lower(email) FROM leads WHERE id > $1 AND email IS NOT NULL";
      break;
    case KeyColumn::kProductSku:
      sql = "SELECT id, sku FROM products WHERE id > $1";
      break;
    case KeyColumn::kUserEmail:
      sql = "SELECT id, lower(email) FROM users WHERE id > $1";
      break;
    case KeyColumn::kTransactionKey:
      sql =
          "SELECT id, external_id, line_no FROM transactions WHERE id > $1 AND external_id IS NOT "
          "NULL";
      break;
    case KeyColumn::kActivityImportKey:
      sql = "SELECT id, import_key FROM activities WHERE id > $1 AND import_key IS NOT NULL";
      break;
    case KeyColumn::kCommunicationImportKey:
      sql = "SELECT id, import_key FROM communications WHERE id > $1 AND import_key IS NOT NULL";
      break;
  }
  int64_t max_id = after_id;
  Cell params[1] = {after_id};
  auto st = backend_->query(sql, params, [&](std::span<const std::optional<std::string_view>> row) {
    int64_t id = std::stoll(std::string(*row[0]));
    if (id > max_id) max_id = id;
    if (!row[1]) return;
    if (row.size() == 3) {
      index.emplace(transaction_key(*row[1], std::stoll(std::string(*row[2]))), id);
    } else {
      index.emplace(std::string(*row[1]), id);
    }
  });
  if (!st) return st.error();
  return max_id;
}

namespace {
Result<int64_t> need_id(Result<std::optional<int64_t>> r, std::string_view what) {
  if (!r) return r.error();
  if (!*r) return Error::internal(fmt::format("insert into {} returned no id", what));
  return **r;
}
}  // namespace

Result<int64_t> BulkWriter::insert_customer(const CustomerRow& r) {
  static const std::string sql =
      "INSERT INTO customers (external_id, name, email, phone, company, country, status, owner_id, "
      "attributes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "RETURNING id";
  Cell p[] = {opt(r.external_id), txt(r.name),       opt(r.email),     opt(r.phone),
              opt(r.company),     opt(r.country),    txt(r.status),    opt(r.owner_id),
              txt(r.attributes),  txt(r.created_at), txt(r.updated_at)};
  return need_id(backend_->run(sql, p), "customers");
}

Status BulkWriter::update_customer(int64_t id, const CustomerRow& r) {
  static const std::string sql =
      "UPDATE customers SET external_id = COALESCE($1, external_id), name = $2, "
      "email = COALESCE($3, email), phone = COALESCE($4, phone), company = COALESCE($5, company), "
      "country = COALESCE($6, country), status = COALESCE($7, status), "
      "owner_id = COALESCE($8, owner_id), attributes = COALESCE($9, attributes), updated_at = $10 "
      "WHERE id = $11";
  Cell p[] = {opt(r.external_id),
              txt(r.name),
              opt(r.email),
              opt(r.phone),
              opt(r.company),
              opt(r.country),
              keep_if_empty(r.status),
              opt(r.owner_id),
              keep_if_empty(r.attributes),
              txt(r.updated_at),
              id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

namespace {
const std::optional<std::string>& status_time(const LeadRow& r) {
  if (r.status == "contacted") return r.contacted_at;
  if (r.status == "qualified") return r.qualified_at;
  if (r.status == "converted") return r.converted_at;
  return r.lost_at;
}
}  // namespace

Result<int64_t> BulkWriter::insert_lead(const LeadRow& r) {
  static const std::string sql =
      "INSERT INTO leads (external_id, name, email, company, source, status, owner_id, "
      "expected_value_minor, currency, attributes, customer_id, contacted_at, qualified_at, "
      "converted_at, lost_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, $11, $12, $13, $14, $15, $16, $17) RETURNING id";
  Cell p[] = {
      opt(r.external_id),  txt(r.name),         opt(r.email),       opt(r.company),
      opt(r.source),       txt(r.status),       opt(r.owner_id),    opt(r.expected_value_minor),
      txt(r.currency),     txt(r.attributes),   opt(r.customer_id), opt(r.contacted_at),
      opt(r.qualified_at), opt(r.converted_at), opt(r.lost_at),     txt(r.created_at),
      txt(r.updated_at)};
  auto id = need_id(backend_->run(sql, p), "leads");
  if (!id) return id;
  static const std::string change_sql =
      "INSERT INTO lead_status_changes (lead_id, from_status, to_status, changed_at) "
      "VALUES ($1, NULL, $2, $3)";
  const std::string& at = r.status == "new" ? r.created_at : status_time(r).value_or(r.created_at);
  Cell c[] = {*id, txt(r.status), txt(at)};
  auto st = backend_->run(change_sql, c);
  if (!st) return st.error();
  return id;
}

Status BulkWriter::update_lead(int64_t id, const LeadRow& r) {
  static const std::string sql =
      "UPDATE leads SET external_id = COALESCE($1, external_id), name = $2, "
      "email = COALESCE($3, email), company = COALESCE($4, company), "
      "source = COALESCE($5, source), status = COALESCE($6, status), "
      "owner_id = COALESCE($7, owner_id), "
      "expected_value_minor = COALESCE($8, expected_value_minor), "
      "currency = COALESCE($9, currency), attributes = COALESCE($10, attributes), "
      "customer_id = COALESCE($11, customer_id), contacted_at = COALESCE($12, contacted_at), "
      "qualified_at = COALESCE($13, qualified_at), converted_at = COALESCE($14, converted_at), "
      "lost_at = COALESCE($15, lost_at), updated_at = $16 WHERE id = $17";
  Cell p[] = {opt(r.external_id),
              txt(r.name),
              opt(r.email),
              opt(r.company),
              opt(r.source),
              keep_if_empty(r.status),
              opt(r.owner_id),
              opt(r.expected_value_minor),
              keep_if_empty(r.currency),
              keep_if_empty(r.attributes),
              opt(r.customer_id),
              opt(r.contacted_at),
              opt(r.qualified_at),
              opt(r.converted_at),
              opt(r.lost_at),
              txt(r.updated_at),
              id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

Result<int64_t> BulkWriter::insert_product(const ProductRow& r) {
  static const std::string sql =
      "INSERT INTO products (sku, name, category, unit_price_minor, currency, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
  Cell p[] = {txt(r.sku),      txt(r.name),       opt(r.category),  r.unit_price_minor,
              txt(r.currency), txt(r.created_at), txt(r.updated_at)};
  return need_id(backend_->run(sql, p), "products");
}

namespace {
// INSERT of `cells` (rows of `columns` cells each) into `table`, up to
// kRowsPerMultiInsert rows per statement; the ids in the order of the rows.
// Neither engine promises RETURNING in VALUES order, so each row is found
// again by its first column, which must be a unique text key.
Result<std::vector<int64_t>> insert_many(BulkWriter::Backend& backend, std::string_view table,
                                         std::string_view column_list, std::size_t columns,
                                         std::span<const Cell> cells) {
  const std::string_view key_name = column_list.substr(0, column_list.find(','));
  auto sql_for = [&](std::size_t rows) {
    return fmt::format("INSERT INTO {} ({}) VALUES {} RETURNING id, {}", table, column_list,
                       values_list(rows, columns), key_name);
  };
  const std::size_t n = cells.size() / columns;
  std::vector<int64_t> ids(n);
  std::unordered_map<std::string_view, std::size_t> position;
  std::string full_sql;
  for (std::size_t start = 0, rows = 0; start < n; start += rows) {
    // Statements of kRowsPerMultiInsert rows, the rest in halves, quarters
    // and so on: at most 9 statement shapes per table, each prepared once
    // per connection, instead of one more shape for almost every call.
    rows = kRowsPerMultiInsert;
    while (rows > n - start) rows /= 2;
    position.clear();
    for (std::size_t r = start; r < start + rows; ++r)
      position.emplace(std::get<std::string_view>(cells[r * columns]), r);
    if (rows == kRowsPerMultiInsert && full_sql.empty()) full_sql = sql_for(rows);
    std::size_t found = 0;
    auto st = backend.query(rows == kRowsPerMultiInsert ? full_sql : sql_for(rows),
                            cells.subspan(start * columns, rows * columns),
                            [&](std::span<const std::optional<std::string_view>> row) {
                              auto it = row[1] ? position.find(*row[1]) : position.end();
                              if (it == position.end() || !row[0]) return;
                              ids[it->second] = std::stoll(std::string(*row[0]));
                              ++found;
                            });
    if (!st) return st.error();
    if (found != rows)
      return Error::internal(
          fmt::format("insert into {} returned {} of {} ids", table, found, rows));
  }
  return ids;
}
}  // namespace

Result<std::vector<int64_t>> BulkWriter::insert_products(std::span<const ProductRow> rows) {
  constexpr std::size_t kColumns = 7;
  std::vector<Cell> cells;
  cells.reserve(rows.size() * kColumns);
  for (const ProductRow& r : rows)
    cells.insert(cells.end(), {txt(r.sku), txt(r.name), opt(r.category), r.unit_price_minor,
                               txt(r.currency), txt(r.created_at), txt(r.updated_at)});
  return insert_many(*backend_, "products",
                     "sku, name, category, unit_price_minor, currency, created_at, updated_at",
                     kColumns, cells);
}

Result<std::vector<int64_t>> BulkWriter::insert_customers(std::span<const CustomerRow> rows) {
  constexpr std::size_t kColumns = 11;
  std::vector<Cell> cells;
  cells.reserve(rows.size() * kColumns);
  for (const CustomerRow& r : rows) {
    if (!r.external_id) return Error::internal("insert_customers needs external ids");
    cells.insert(cells.end(), {opt(r.external_id), txt(r.name), opt(r.email), opt(r.phone),
                               opt(r.company), opt(r.country), txt(r.status), opt(r.owner_id),
                               txt(r.attributes), txt(r.created_at), txt(r.updated_at)});
  }
  return insert_many(
      *backend_, "customers",
      "external_id, name, email, phone, company, country, status, owner_id, attributes, "
      "created_at, updated_at",
      kColumns, cells);
}

Status BulkWriter::update_product(int64_t id, const ProductRow& r) {
  static const std::string sql =
      "UPDATE products SET sku = $1, name = $2, category = COALESCE($3, category), "
      "unit_price_minor = $4, currency = COALESCE($5, currency), updated_at = $6 WHERE id = $7";
  Cell p[] = {txt(r.sku),
              txt(r.name),
              opt(r.category),
              r.unit_price_minor,
              keep_if_empty(r.currency),
              txt(r.updated_at),
              id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

Status BulkWriter::insert_transactions(std::span<const TransactionRow> rows) {
  auto st = backend_->insert_transactions(rows);
  writeback_.start();
  return st;
}

Status BulkWriter::update_transaction(int64_t id, const TransactionRow& r) {
  static const std::string sql =
      "UPDATE transactions SET customer_id = $1, product_id = $2, quantity = $3, "
      "unit_price_minor = $4, amount_minor = $5, currency = $6, occurred_us = $7 WHERE id = $8";
  Cell p[] = {opt(r.customer_id), opt(r.product_id), r.quantity,    r.unit_price_minor,
              r.amount_minor,     txt(r.currency),   r.occurred_us, id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

namespace {
// Text fields of an import row as the record's types; `what` names the field.
Result<Timestamp> row_time(const std::string& text, std::string_view what) {
  auto t = parse_timestamp(text);
  if (!t) return Error::invalid(std::string(what) + ": " + t.error().message, std::string(what));
  return *t;
}
Result<std::optional<Timestamp>> row_time(const std::optional<std::string>& text,
                                          std::string_view what) {
  if (!text) return std::optional<Timestamp>();
  auto t = row_time(*text, what);
  if (!t) return t.error();
  return std::optional<Timestamp>(*t);
}
template <typename T>
Result<T> row_choice(std::optional<T> parsed, const std::string& text, std::string_view what) {
  if (!parsed)
    return Error::invalid("'" + text + "' is not a valid " + std::string(what), std::string(what));
  return *parsed;
}
}  // namespace

// The repositories' shared SQL run on this writer's connection: placeholders
// renumbered $1.. for the C APIs, statements prepared once (cached by text by
// the backend),
// failures thrown as SqlRunnerError.
class BulkRunner final : public SqlRunner {
 public:
  BulkRunner(BulkWriter::Backend& backend, Engine engine) : backend_(backend), engine_(engine) {}
  Engine engine() const override { return engine_; }

  std::vector<SqlRow> query(const std::string& sql, const SqlParams& params,
                            size_t columns) override {
    std::string text = dollar_placeholders(sql);
    std::vector<Cell> cells;
    cells.reserve(params.size());
    for (const SqlValue& p : params) {
      switch (p.kind) {
        case SqlValue::Kind::kNull:
          cells.emplace_back(std::monostate{});
          break;
        case SqlValue::Kind::kInt:
          cells.emplace_back(static_cast<int64_t>(p.i));
          break;
        case SqlValue::Kind::kDouble:
          cells.emplace_back(p.d);
          break;
        case SqlValue::Kind::kText:
          cells.emplace_back(std::string_view(p.s));
          break;
      }
    }
    std::vector<SqlRow> rows;
    auto st =
        backend_.query(text, cells, [&](std::span<const std::optional<std::string_view>> row) {
          SqlRow out(columns);
          for (size_t i = 0; i < columns && i < row.size(); ++i) {
            if (row[i]) out[i] = std::string(*row[i]);
          }
          rows.push_back(std::move(out));
        });
    if (!st) throw SqlRunnerError(st.error());
    return rows;
  }

 private:
  // ":name" -> "$1", "$2", ... in order of appearance, outside quotes.
  static std::string dollar_placeholders(std::string_view sql) {
    std::string out;
    int n = 0;
    bool quoted = false;
    for (size_t i = 0; i < sql.size(); ++i) {
      char c = sql[i];
      if (c == '\'') quoted = !quoted;
      bool starts_name =
          i + 1 < sql.size() &&
          (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_');
      if (!quoted && c == ':' && starts_name && (i == 0 || sql[i - 1] != ':')) {
        out += "$" + std::to_string(++n);
        while (i + 1 < sql.size() &&
               (std::isalnum(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
          ++i;
        }
        continue;
      }
      out.push_back(c);
    }
    return out;
  }

  BulkWriter::Backend& backend_;
  Engine engine_;
};

namespace {
// Stores the key an import derived for a row it just inserted (none: nothing).
Status set_import_key(BulkWriter::Backend& backend, std::string_view table, int64_t id,
                      const std::optional<std::string>& key) {
  if (!key) return {};
  Cell p[] = {txt(*key), id};
  auto st = backend.run("UPDATE " + std::string(table) + " SET import_key = $1 WHERE id = $2", p);
  if (!st) return st.error();
  return {};
}
}  // namespace

// Activities and messages are inserted by their repositories' own insert_in,
// run on this writer's connection inside its transaction, so the insert and
// the response-time rule exist once.
Result<int64_t> BulkWriter::insert_activity(const ActivityRow& r) {
  auto kind = row_choice(parse_activity_kind(r.kind), r.kind, "kind");
  auto status = row_choice(parse_activity_status(r.status), r.status, "status");
  auto due = row_time(r.due_at, "due_at");
  auto completed = row_time(r.completed_at, "completed_at");
  auto created = row_time(r.created_at, "created_at");
  auto updated = row_time(r.updated_at, "updated_at");
  if (!kind) return kind.error();
  if (!status) return status.error();
  if (!due) return due.error();
  if (!completed) return completed.error();
  if (!created) return created.error();
  if (!updated) return updated.error();
  Activity a;
  a.kind = *kind;
  a.subject = r.subject;
  a.due_at = *due;
  a.status = *status;
  a.owner_id = r.owner_id;
  a.lead_id = r.lead_id;
  a.customer_id = r.customer_id;
  a.created_by_user_id = r.created_by_user_id;
  a.created_by_system = r.created_by_system;
  a.completed_at = *completed;
  a.created_at = *created;
  a.updated_at = *updated;
  try {
    BulkRunner run(*backend_, engine_);
    int64_t id = ActivityStore::insert_in(run, a);
    if (auto st = set_import_key(*backend_, "activities", id, r.import_key); !st) return st.error();
    return id;
  } catch (const std::exception& e) {
    return db_error(e, "storing an activity");
  }
}

Status BulkWriter::update_activity(int64_t id, const ActivityRow& r) {
  auto status = row_choice(parse_activity_status(r.status), r.status, "status");
  auto completed = row_time(r.completed_at, "completed_at");
  auto updated = row_time(r.updated_at, "updated_at");
  if (!status) return status.error();
  if (!completed) return completed.error();
  if (!updated) return updated.error();
  static const std::string sql =
      "UPDATE activities SET status = $1, owner_id = $2, completed_at = $3, updated_at = $4 "
      "WHERE id = $5";
  Cell p[] = {txt(r.status), opt(r.owner_id), opt(r.completed_at), txt(r.updated_at), id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

Status BulkWriter::update_communication(int64_t id, const CommunicationRow& r) {
  static const std::string sql = "UPDATE communications SET subject = $1, body = $2 WHERE id = $3";
  Cell p[] = {opt(r.subject), opt(r.body), id};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

Result<int64_t> BulkWriter::insert_communication(const CommunicationRow& r) {
  auto direction = row_choice(parse_direction(r.direction), r.direction, "direction");
  auto channel = row_choice(parse_channel(r.channel), r.channel, "channel");
  auto occurred = row_time(r.occurred_at, "occurred_at");
  auto created = row_time(r.created_at, "created_at");
  if (!direction) return direction.error();
  if (!channel) return channel.error();
  if (!occurred) return occurred.error();
  if (!created) return created.error();
  Communication c;
  c.lead_id = r.lead_id;
  c.customer_id = r.customer_id;
  c.direction = *direction;
  c.channel = *channel;
  c.subject = r.subject;
  c.body = r.body;
  c.occurred_at = *occurred;
  c.created_at = *created;
  try {
    BulkRunner run(*backend_, engine_);
    int64_t id = CommunicationStore::insert_in(run, c);
    if (auto st = set_import_key(*backend_, "communications", id, r.import_key); !st)
      return st.error();
    return id;
  } catch (const std::exception& e) {
    return db_error(e, "storing a communication");
  }
}

Status BulkWriter::insert_events(std::span<const LoggedEvent> events) {
  // Several rows per statement: one round trip per chunk on PostgreSQL.
  constexpr std::size_t kRowsPerInsert = 100;
  constexpr std::size_t kColumns = 9;
  auto sql_for = [](std::size_t rows) {
    // A re-delivered event has the same entity (so partition), time and key:
    // the log's one unique index (migration 0007) skips it.
    return "INSERT INTO events (event_key, entity, type, ts_us, value, attrs, received_us, "
           "too_late, "
           "entity_part) VALUES " +
           values_list(rows, kColumns) + " ON CONFLICT DO NOTHING";
  };
  static const std::string full_sql = sql_for(kRowsPerInsert);
  std::vector<Cell> cells;
  for (std::size_t start = 0; start < events.size(); start += kRowsPerInsert) {
    auto chunk = events.subspan(start, std::min(kRowsPerInsert, events.size() - start));
    cells.clear();
    for (const LoggedEvent& e : chunk) {
      // Times as integer microseconds since the epoch (migration 0011).
      cells.insert(cells.end(), {static_cast<int64_t>(e.key), std::string_view(e.entity),
                                 std::string_view(e.type), to_unix_micros(e.ts), e.value,
                                 std::string_view(e.attrs), to_unix_micros(e.received_at),
                                 int64_t{e.too_late ? 1 : 0}, int64_t{entity_partition(e.entity)}});
    }
    auto st =
        backend_->run(chunk.size() == kRowsPerInsert ? full_sql : sql_for(chunk.size()), cells);
    if (!st) return st.error();
  }
  return {};
}

Status BulkWriter::audit(std::optional<int64_t> user_id, std::string_view action,
                         std::string_view entity, std::string_view after_json,
                         std::string_view at) {
  static const std::string sql =
      "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json) "
      "VALUES ($1, $2, $3, $4, NULL, NULL, $5)";
  Cell p[] = {at, opt(user_id), action, entity, after_json};
  auto st = backend_->run(sql, p);
  if (!st) return st.error();
  return {};
}

namespace {

// SELECT of an export: each file column of the entity's table in order, a
// link as the linked record's key (one LEFT JOIN each), in id order.
std::string export_sql(const schema::EntitySchema& schema) {
  std::string select, joins;
  std::size_t n = 0;
  for (const schema::Field& f : schema.fields) {
    if (!f.in_files()) continue;
    if (!select.empty()) select += ", ";
    if (f.is_link()) {
      std::string alias = "j" + std::to_string(++n);
      select += fmt::format("{}.{}", alias, f.file.link_key);
      joins += fmt::format(" LEFT JOIN {} {} ON {}.id = r.{}", f.file.link_table, alias, alias,
                           f.column());
    } else {
      select += fmt::format("r.{}", f.column());
    }
  }
  return fmt::format("SELECT {} FROM {} r{} ORDER BY r.id", select, entity_name(schema.entity),
                     joins);
}

}  // namespace

Status BulkWriter::export_rows(Entity entity, const ExportRowFn& fn) {
  const schema::EntitySchema& schema = schema::schema_of(entity);
  const std::string sql = export_sql(schema);
  // A time kept as microseconds (a sale's, migration 0013) is exported as
  // the same ISO-8601 text as every other time, so the file imports back.
  std::vector<std::size_t> micros;
  std::size_t column = 0;
  for (const schema::Field& f : schema.fields) {
    if (!f.in_files()) continue;
    if (f.stored_as_micros) micros.push_back(column);
    ++column;
  }
  if (micros.empty()) return backend_->query(sql, {}, fn);
  std::vector<std::optional<std::string_view>> out;
  struct TimeText {
    char text[kTimestampTextBytes];
  };
  std::vector<TimeText> text(micros.size());
  return backend_->query(sql, {}, [&](std::span<const std::optional<std::string_view>> row) {
    out.assign(row.begin(), row.end());
    for (std::size_t i = 0; i < micros.size(); ++i) {
      std::size_t c = micros[i];
      if (!row[c]) continue;
      format_timestamp_to(from_unix_micros(std::stoll(std::string(*row[c]))), text[i].text);
      out[c] = std::string_view(text[i].text, kTimestampTextBytes);
    }
    fn(out);
  });
}

}  // namespace icrm::store
