#include "store/event_log_writer.h"

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <string>
#include <unordered_map>
#include <vector>

namespace icrm::store {

class EventLogWriter::Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<AppendResult> append(std::span<const EventRow> rows) = 0;
};

namespace {

// Times as integer microseconds since the epoch (migration 0011).
constexpr const char* kColumns =
    "event_key, entity, type, ts_us, value, attrs, received_us, too_late, entity_part, "
    "submitted_by";
constexpr int kColumnCount = 10;
// SQLite: checkpoints are not the writer's business: the database's
// WalCheckpointer (wal_checkpointer.h) copies the WAL back on its own thread.
// SQLite: the writer connection's page cache, in KiB (SQLite's default is
// 2,000 KiB, restored when the writer returns its connection). The profile of the HTTP
// ingest benchmark showed the writer re-reading evicted index and table pages
// with pread at the default size.
constexpr int kSqliteEventCacheKiB = 64 * 1024;

// ---------------------------------------------------------------- SQLite
class SqliteEventBackend final : public EventLogWriter::Backend {
 public:
  explicit SqliteEventBackend(sqlite_api::sqlite3* db) : db_(db) {}
  ~SqliteEventBackend() override {
    sqlite_api::sqlite3_finalize(insert_);
    (void)exec("PRAGMA cache_size = -2000");
    // The pool's setting (deferral is only chosen when the pool runs FULL).
    if (deferred_) (void)exec("PRAGMA synchronous = FULL");
  }

  // The connection's write-ahead log file, opened (SQLite creates it at the
  // connection's first read in WAL mode).
  Result<std::shared_ptr<const WalSync>> open_wal() {
    if (Status s = exec("SELECT COUNT(*) FROM sqlite_master"); !s) return s.error();
    const char* wal =
        sqlite_api::sqlite3_filename_wal(sqlite_api::sqlite3_db_filename(db_, "main"));
    if (wal == nullptr || *wal == '\0') {
      return Error::unavailable("sqlite: the database has no WAL file");
    }
    return WalSync::open(wal);
  }

  // `deferred`: commit at synchronous=NORMAL; the caller syncs the WAL.
  Status prepare(bool deferred) {
    std::string cache = fmt::format("PRAGMA cache_size = -{}", kSqliteEventCacheKiB);
    if (Status s = exec(cache.c_str()); !s) return s;
    if (deferred) {
      if (Status s = exec("PRAGMA synchronous = NORMAL"); !s) return s;
      deferred_ = true;
    }
    std::string sql = fmt::format(
        "INSERT INTO events ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO "
        "NOTHING",
        kColumns);
    if (sqlite_api::sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                       SQLITE_PREPARE_PERSISTENT, &insert_, nullptr) != SQLITE_OK) {
      return failure("cannot prepare the event insert");
    }
    return ok_status();
  }

  Result<AppendResult> append(std::span<const EventRow> rows) override {
    AppendResult result;
    result.stored.reserve(rows.size());
    // IMMEDIATE takes the write lock now, so the batch never fails half-way
    // on a lock upgrade.
    if (Status s = exec("BEGIN IMMEDIATE"); !s) return s.error();
    for (const EventRow& row : rows) {
      sqlite_api::sqlite3_bind_int64(insert_, 1, static_cast<sqlite_api::sqlite3_int64>(row.key));
      bind_text(2, row.entity);
      bind_text(3, row.type);
      sqlite_api::sqlite3_bind_int64(insert_, 4, to_unix_micros(row.ts));
      sqlite_api::sqlite3_bind_double(insert_, 5, row.value);
      bind_text(6, row.attrs);
      sqlite_api::sqlite3_bind_int64(insert_, 7, to_unix_micros(row.received_at));
      sqlite_api::sqlite3_bind_int(insert_, 8, row.too_late ? 1 : 0);
      sqlite_api::sqlite3_bind_int(insert_, 9, entity_partition(row.entity));
      if (row.submitted_by) {
        sqlite_api::sqlite3_bind_int64(insert_, 10, *row.submitted_by);
      } else {
        sqlite_api::sqlite3_bind_null(insert_, 10);
      }
      int rc = sqlite_api::sqlite3_step(insert_);
      sqlite_api::sqlite3_reset(insert_);
      if (rc != SQLITE_DONE) {
        Error e = failure("cannot append events");
        (void)exec("ROLLBACK");
        return e;
      }
      bool stored = sqlite_api::sqlite3_changes(db_) > 0;
      result.stored.push_back(stored);
      result.stored_count += stored ? 1 : 0;
    }
    if (Status s = exec("COMMIT"); !s) {
      (void)exec("ROLLBACK");
      return s.error();
    }
    return result;
  }

 private:
  void bind_text(int pos, std::string_view s) {
    // SQLITE_STATIC: the views outlive the step; SQLite copies nothing.
    sqlite_api::sqlite3_bind_text(insert_, pos, s.data(), static_cast<int>(s.size()),
                                  SQLITE_STATIC);
  }

  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite_api::sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite_api::sqlite3_free(err);
      return Error::unavailable(std::string("sqlite: ") + sql + ": " + msg);
    }
    return ok_status();
  }

  Error failure(std::string_view what) {
    return Error::unavailable(fmt::format("sqlite: {}: {}", what, sqlite_api::sqlite3_errmsg(db_)));
  }

  sqlite_api::sqlite3* db_;
  sqlite_api::sqlite3_stmt* insert_ = nullptr;
  bool deferred_ = false;
};

// ------------------------------------------------------------ PostgreSQL
class PgEventBackend final : public EventLogWriter::Backend {
 public:
  explicit PgEventBackend(PGconn* conn) : conn_(conn) {}

  Result<AppendResult> append(std::span<const EventRow> rows) override {
    AppendResult result;
    result.stored.assign(rows.size(), false);
    if (Status s = exec("BEGIN"); !s) return s.error();
    for (size_t at = 0; at < rows.size(); at += kPgRowsPerInsert) {
      auto chunk = rows.subspan(at, std::min(kPgRowsPerInsert, rows.size() - at));
      if (Status s = insert_chunk(chunk, at, result); !s) {
        (void)exec("ROLLBACK");
        return s.error();
      }
    }
    if (Status s = exec("COMMIT"); !s) return s.error();
    return result;
  }

 private:
  // RAII for a PGresult.
  struct Owned {
    explicit Owned(PGresult* r) : r(r) {}
    ~Owned() { PQclear(r); }
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    PGresult* r;
  };

  Status insert_chunk(std::span<const EventRow> chunk, size_t offset, AppendResult& result) {
    // Text-format parameters must be NUL-terminated: copy each into one arena
    // sized first, so the pointers taken stay valid.
    size_t bytes = 0;
    for (const EventRow& r : chunk) bytes += r.entity.size() + r.type.size() + r.attrs.size() + 128;
    arena_.clear();
    arena_.reserve(bytes);
    values_.clear();
    auto put = [this](std::string_view s) {
      values_.push_back(arena_.data() + arena_.size());
      arena_.append(s);
      arena_.push_back('\0');
    };
    char number[32];
    auto put_number = [&](auto v) {  // integers exactly, doubles in shortest round-trip form
      auto n = std::to_chars(number, number + sizeof number, v);
      put(std::string_view(number, static_cast<size_t>(n.ptr - number)));
    };
    for (const EventRow& r : chunk) {
      put_number(static_cast<int64_t>(r.key));
      put(r.entity);
      put(r.type);
      put_number(to_unix_micros(r.ts));
      put_number(r.value);
      put(r.attrs);
      put_number(to_unix_micros(r.received_at));
      put(r.too_late ? "1" : "0");
      put_number(entity_partition(r.entity));
      if (r.submitted_by) {
        put_number(*r.submitted_by);
      } else {
        values_.push_back(nullptr);  // SQL NULL
      }
    }
    const std::string& sql = insert_sql(chunk.size());
    Owned res(PQexecParams(conn_, sql.c_str(), static_cast<int>(values_.size()), nullptr,
                           values_.data(), nullptr, nullptr, 0));
    if (PQresultStatus(res.r) != PGRES_TUPLES_OK) {
      return Error::unavailable(std::string("postgresql: cannot append events: ") +
                                PQresultErrorMessage(res.r));
    }
    // RETURNING names the rows stored; match them back to their positions
    // (a key can repeat within a chunk only for a re-delivery, so the lists are short).
    std::unordered_multimap<int64_t, size_t> by_key;
    by_key.reserve(chunk.size());
    for (size_t i = 0; i < chunk.size(); ++i) by_key.emplace(static_cast<int64_t>(chunk[i].key), i);
    for (int row = 0; row < PQntuples(res.r); ++row) {
      int64_t key = std::stoll(PQgetvalue(res.r, row, 0));
      int part = std::stoi(PQgetvalue(res.r, row, 1));
      int64_t stored_ts = std::stoll(PQgetvalue(res.r, row, 2));
      // The first matching row in input order counts as the stored one.
      size_t first = chunk.size();
      auto [lo, hi] = by_key.equal_range(key);
      for (auto it = lo; it != hi; ++it) {
        const EventRow& r = chunk[it->second];
        if (it->second < first && !result.stored[offset + it->second] &&
            entity_partition(r.entity) == part && stored_ts == to_unix_micros(r.ts)) {
          first = it->second;
        }
      }
      if (first < chunk.size()) {
        result.stored[offset + first] = true;
        ++result.stored_count;
      }
    }
    return ok_status();
  }

  const std::string& insert_sql(size_t rows) {
    auto it = sql_.find(rows);
    if (it != sql_.end()) return it->second;
    std::string sql = fmt::format("INSERT INTO events ({}) VALUES ", kColumns);
    int p = 1;
    for (size_t r = 0; r < rows; ++r) {
      sql += r == 0 ? "(" : ", (";
      for (int c = 0; c < kColumnCount; ++c) {
        if (c > 0) sql += ", ";
        sql += fmt::format("${}", p++);
      }
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING RETURNING event_key, entity_part, ts_us";
    return sql_.emplace(rows, std::move(sql)).first->second;
  }

  Status exec(const char* sql) {
    Owned r(PQexec(conn_, sql));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) {
      return Error::unavailable(std::string("postgresql: ") + sql + ": " +
                                PQresultErrorMessage(r.r));
    }
    return ok_status();
  }

  PGconn* conn_;
  std::string arena_;
  std::vector<const char*> values_;
  std::unordered_map<size_t, std::string> sql_;  // INSERT text by row count
};

}  // namespace

Result<std::unique_ptr<EventLogWriter>> EventLogWriter::open(Database& db, LogSync mode) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  std::unique_ptr<Backend> backend;
  std::shared_ptr<const WalSync> wal;
  if (db.engine() == Engine::kSqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
    auto sqlite = std::make_unique<SqliteEventBackend>(be->conn_);
    if (mode == LogSync::kDeferred && db.sqlite_synchronous_full() && !db.sqlite_path().empty()) {
      auto opened = sqlite->open_wal();
      if (opened) {
        wal = std::move(*opened);
      } else {  // still correct: each commit syncs
        spdlog::warn("event log: syncing at each commit: {}", opened.error().to_string());
      }
    }
    if (Status st = sqlite->prepare(wal != nullptr); !st) return st.error();
    backend = std::move(sqlite);
  } else {
    auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
    backend = std::make_unique<PgEventBackend>(be->conn_);
  }
  return std::unique_ptr<EventLogWriter>(
      new EventLogWriter(std::move(*lease), std::move(backend), std::move(wal)));
}

EventLogWriter::EventLogWriter(Database::Lease lease, std::unique_ptr<Backend> backend,
                               std::shared_ptr<const WalSync> deferred_sync)
    : lease_(std::move(lease)),
      backend_(std::move(backend)),
      deferred_sync_(std::move(deferred_sync)) {}

// The backend (and its prepared statement) goes before the lease returns the
// connection to the pool.
EventLogWriter::~EventLogWriter() { backend_.reset(); }

Result<AppendResult> EventLogWriter::append(std::span<const EventRow> rows) {
  if (rows.empty()) return AppendResult{};
  return backend_->append(rows);
}

}  // namespace icrm::store
