#include "store/database.h"

#include <fmt/format.h>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/time.h"
#include "store/migrations.h"
#include "store/private_file.h"
#include "store/redact_url.h"
#include "store/statement_cache.h"
#include "store/wal_checkpointer.h"

namespace icrm::store {

// How much of a SQLite database file each connection reads through a memory
// map (PRAGMA mmap_size): pages come straight from the kernel's page cache,
// shared by every connection, instead of a pread() copy into each
// connection's own cache. Address space, not memory.
constexpr long long kSqliteMmapBytes = 256LL << 20;

namespace {

constexpr long long kMigrationLockKey = 7263001;  // pg_advisory_lock key for migrate()

// SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms... between
// tries, so a transaction that finds another's write lock (the event log's
// group commit holds it for a few milliseconds) waits ~8 ms for a lock freed
// after 3. This one polls every 100 us for the first 2 ms, then every 0.5 ms
// up to 42 ms, then every 2 ms, until `timeout_ms` (passed as the argument).
int sqlite_busy_wait(void* timeout_ms, int tries) {
  const int64_t limit_us = static_cast<int64_t>(reinterpret_cast<intptr_t>(timeout_ms)) * 1000;
  int64_t waited_us = 0, next_us = 0;
  if (tries < 20) {
    waited_us = tries * 100;
    next_us = 100;
  } else if (tries < 100) {
    waited_us = 2000 + int64_t{tries - 20} * 500;
    next_us = 500;
  } else {
    waited_us = 42000 + int64_t{tries - 100} * 2000;
    next_us = 2000;
  }
  if (waited_us >= limit_us) return 0;  // give up: SQLITE_BUSY
  std::this_thread::sleep_for(std::chrono::microseconds(next_us));
  return 1;
}

// Process-wide SQLite settings, before the library is first used (later
// calls fail harmlessly with SQLITE_MISUSE, and the defaults stay):
// - multi-thread mode: a connection is used by one thread at a time (the pool
//   leases it to one), so SQLite's per-connection mutex is not needed; it was
//   taken on every bind, step and reset of the event log's inserts;
// - no memory statistics: they take a global mutex on every allocation.
void configure_sqlite_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

// {{unix_micros(COLUMN)}}: the microseconds since the Unix epoch of a column
// holding format_timestamp() text ("2026-11-23T09:30:00.123456Z", years
// 0000-9999), by integer arithmetic both engines evaluate alike (the civil
// date to days count of the proleptic Gregorian calendar, years shifted by
// 400 so every division is of non-negative numbers). Used by migration 0011.
std::string unix_micros_sql(std::string_view column, Engine engine) {
  const std::string c(column);
  const char* type = engine == Engine::kSqlite ? "INTEGER" : "BIGINT";
  auto part = [&](int from, int length) {
    return fmt::format("CAST(substr({}, {}, {}) AS {})", c, from, length, type);
  };
  const std::string month = part(6, 2);
  // The year counted from March (January and February belong to the year
  // before), plus 400.
  const std::string y =
      fmt::format("({} + CASE WHEN {} <= 2 THEN 399 ELSE 400 END)", part(1, 4), month);
  const std::string day_of_year =
      fmt::format("((153 * (({} + 9) % 12) + 2) / 5 + {} - 1)", month, part(9, 2));
  // 719468 days from 0000-03-01 to 1970-01-01, and 146097 for the 400 years added.
  const std::string days =
      fmt::format("(365 * {0} + {0} / 4 - {0} / 100 + {0} / 400 + {1} - 865565)", y, day_of_year);
  return fmt::format("({} * 86400000000 + ({} * 3600 + {} * 60 + {}) * 1000000 + {})", days,
                     part(12, 2), part(15, 2), part(18, 2), part(21, 6));
}

// A placeholder's comma-separated arguments, blanks around each trimmed.
std::vector<std::string> placeholder_args(std::string_view args) {
  std::vector<std::string> parts;
  for (size_t start = 0; start <= args.size();) {
    size_t comma = std::min(args.find(',', start), args.size());
    std::string part(args.substr(start, comma - start));
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    parts.push_back(std::move(part));
    start = comma + 1;
  }
  return parts;
}

// {{restart_identity(TABLE, COLUMN)}}: PostgreSQL's identity COLUMN of TABLE
// continues after the highest value stored (rows copied with their ids do
// not advance it); a no-op on SQLite, whose rowid continues by itself.
std::string restart_identity_sql(std::string_view args, Engine engine) {
  if (engine == Engine::kSqlite) return "SELECT 1";
  const auto parts = placeholder_args(args);
  const std::string& table = parts.at(0);
  const std::string& column = parts.at(1);
  return fmt::format(
      "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE((SELECT MAX({1}) FROM {0}), 0) "
      "+ 1, "
      "false)",
      table, column);
}

// {{carry_identity(OLD, NEW, COLUMN)}}, before OLD is dropped in favour of a
// rebuilt NEW: NEW's id counter continues where OLD's stood, so ids of rows
// deleted before the rebuild (above the highest left) are never handed out
// again. SQLite: OLD's sqlite_sequence entry (AUTOINCREMENT); PostgreSQL:
// OLD's identity sequence, or NEW's highest id if that is more.
std::string carry_identity_sql(std::string_view args, Engine engine) {
  const auto parts = placeholder_args(args);
  const std::string& from = parts.at(0);
  const std::string& to = parts.at(1);
  const std::string& column = parts.at(2);
  if (engine == Engine::kSqlite) {
    return fmt::format(
        "DELETE FROM sqlite_sequence WHERE name = '{1}';\n"
        "INSERT INTO sqlite_sequence (name, seq) SELECT '{1}', seq FROM sqlite_sequence WHERE name "
        "= '{0}'",
        from, to);
  }
  return fmt::format(
      "SELECT setval(pg_get_serial_sequence('{1}', '{2}'), GREATEST(COALESCE((SELECT MAX({2}) FROM "
      "{1}), 0), "
      "COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{0}', '{2}')::regclass), 0)) + 1, "
      "false)",
      from, to, column);
}

// Replaces each `{{NAME(ARGS)}}` in `sql` by expand(ARGS).
template <typename Expand>
void replace_calls(std::string& sql, std::string_view name, Expand expand) {
  const std::string open = "{{" + std::string(name) + "(";
  static constexpr std::string_view kClose = ")}}";
  for (size_t pos = 0; (pos = sql.find(open, pos)) != std::string::npos;) {
    size_t end = sql.find(kClose, pos);
    if (end == std::string::npos) break;
    std::string expr =
        expand(std::string_view(sql).substr(pos + open.size(), end - pos - open.size()));
    sql.replace(pos, end + kClose.size() - pos, expr);
    pos += expr.size();
  }
}

std::string substitute_dialect(std::string_view sql, Engine engine) {
  std::string out(sql);
  replace_calls(out, "unix_micros",
                [engine](std::string_view c) { return unix_micros_sql(c, engine); });
  replace_calls(out, "restart_identity",
                [engine](std::string_view args) { return restart_identity_sql(args, engine); });
  replace_calls(out, "carry_identity",
                [engine](std::string_view args) { return carry_identity_sql(args, engine); });
  auto replace_all = [&out](std::string_view from, std::string_view to) {
    for (size_t pos = 0; (pos = out.find(from, pos)) != std::string::npos; pos += to.size()) {
      out.replace(pos, from.size(), to);
    }
  };
  if (engine == Engine::kSqlite) {
    replace_all("{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT");
    // The rowid itself: max + 1, without AUTOINCREMENT's sqlite_sequence
    // bookkeeping per insert. Only for append-only tables (a deleted highest
    // row's number would be reused).
    replace_all("{{log_id}}", "INTEGER PRIMARY KEY");
    replace_all("{{bigint}}", "INTEGER");
  } else {
    replace_all("{{id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all("{{log_id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all("{{bigint}}", "BIGINT");
  }
  return out;
}

// Splits a migration into statements at ";" ending a line.
std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(start, end - start);
    start = end + 1;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    current += line;
    current += '\n';
    auto last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      current.erase(current.find_last_of(';'));
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  return out;
}

// libpq keyword/value text from a postgresql:// URL. SOCI re-tokenises its
// connect string as key=value pairs, so a URI cannot be passed through as is.
Result<std::string> postgres_conninfo(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Error::invalid("malformed PostgreSQL URL: " + parsed.error().message(), "db");
  const auto& u = *parsed;
  auto quote = [](std::string v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out;
  auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += key + "=" + quote(value);
  };
  add("host", std::string(u.encoded_host().empty() ? "" : u.host()));
  add("port", std::string(u.port()));
  add("user", u.has_userinfo() ? std::string(u.user()) : "");
  add("password", u.has_password() ? std::string(u.password()) : "");
  std::string path = u.path();
  if (!path.empty() && path[0] == '/') path.erase(0, 1);
  add("dbname", path);
  for (auto param : u.params()) add(std::string(param.key), std::string(param.value));
  return out;
}

}  // namespace

std::vector<std::string> migration_statements(const Migration& m, Engine engine) {
  return split_statements(substitute_dialect(m.sql, engine));
}

Result<ParsedUrl> parse_database_url(const std::string& url) {
  ParsedUrl p;
  if (url.rfind("sqlite:", 0) == 0) {
    p.engine = Engine::kSqlite;
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs/path or sqlite://rel
    if (path.empty())
      return Error::invalid("sqlite URL has no file path (sqlite:data/crm.db)", "db");
    p.sqlite_path = path == ":memory:" ? "" : path;
    std::string quoted;
    for (char c : path) {
      if (c == '"') return Error::invalid("sqlite path may not contain a double quote", "db");
      quoted += c;
    }
    p.connect_string = "db=\"" + quoted + "\"";
    p.display = url;
    return p;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    p.engine = Engine::kPostgres;
    auto conninfo = postgres_conninfo(url);
    if (!conninfo) return conninfo.error();
    p.connect_string = std::move(*conninfo);
    p.display = redact_database_url(url);
    return p;
  }
  return Error::invalid("unsupported database URL '" + redact_database_url(url) +
                            "': use sqlite:PATH or postgresql://user:pass@host:port/dbname",
                        "db");
}

Database::Lease::Lease(soci::connection_pool* pool, size_t pos, std::atomic<size_t>* in_use)
    : pool_(pool), pos_(pos), in_use_(in_use) {
  in_use_->fetch_add(1);
}
Database::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), pos_(other.pos_), in_use_(other.in_use_) {
  other.pool_ = nullptr;
}
Database::Lease::~Lease() {
  if (pool_ == nullptr) return;
  pool_->give_back(pos_);
  in_use_->fetch_sub(1);
}
soci::session& Database::Lease::operator*() const { return pool_->at(pos_); }
soci::session* Database::Lease::operator->() const { return &pool_->at(pos_); }

Database::~Database() {
  checkpointer_.reset();
  if (pool_ == nullptr) return;
  for (size_t i = 0; i < pool_size_; ++i) detach_statement_cache(pool_->at(i));
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options) {
  auto parsed = parse_database_url(options.url);
  if (!parsed) return parsed.error();
  std::unique_ptr<Database> db(new Database());  // private constructor
  db->engine_ = parsed->engine;
  db->display_url_ = parsed->display;
  db->sqlite_path_ = parsed->sqlite_path;
  db->options_ = options;
  size_t pool_size = options.pool_size == 0 ? 1 : options.pool_size;
  if (db->engine_ == Engine::kSqlite && db->sqlite_path_.empty()) pool_size = 1;

  if (db->engine_ == Engine::kSqlite && !db->sqlite_path_.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(db->sqlite_path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Error::unavailable("cannot create the directory for " + db->sqlite_path_ + ": " +
                                ec.message());
    }
    // Owner-only: SQLite would create it with the umask's mode, and gives its
    // -wal, -shm and -journal files the database file's mode.
    if (auto s = create_private_file(db->sqlite_path_); !s) return s.error();
  }

  if (db->engine_ == Engine::kSqlite) configure_sqlite_library();
  db->pool_size_ = pool_size;
  db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
  try {
    for (size_t i = 0; i < pool_size; ++i) {
      if (db->engine_ == Engine::kSqlite) {
        db->pool_->at(i).open(*soci::factory_sqlite3(), parsed->connect_string);
      } else {
        db->pool_->at(i).open(*soci::factory_postgresql(), parsed->connect_string);
      }
    }
  } catch (const std::exception& e) {
    return Error::unavailable("cannot open database " + db->display_url_ + ": " + e.what());
  }
  auto configured = db->configure_all();
  if (!configured) return std::move(configured).error();
  if (db->engine_ == Engine::kSqlite && !db->sqlite_path_.empty() &&
      options.sqlite_checkpoint_thread) {
    auto checkpointer = WalCheckpointer::start(db->sqlite_path_, options.sqlite_checkpoint_pages,
                                               options.busy_timeout);
    if (!checkpointer) return checkpointer.error();
    db->checkpointer_ = std::move(*checkpointer);
    for (size_t i = 0; i < pool_size; ++i) db->checkpointer_->attach(db->pool_->at(i));
  }
  // Each pooled connection keeps the statements query_rows() prepares on it
  // (on PostgreSQL as named server-side statements: no parse and plan per
  // query, though still one round trip).
  for (size_t i = 0; i < pool_size; ++i) attach_statement_cache(db->pool_->at(i), db->engine_);
  return db;
}

Status Database::configure_all() {
  try {
    for (size_t i = 0; i < pool_size_; ++i) {
      soci::session& s = pool_->at(i);
      if (engine_ == Engine::kSqlite) {
        auto* be = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
        sqlite_api::sqlite3_busy_handler(
            be->conn_, sqlite_busy_wait,
            reinterpret_cast<void*>(static_cast<intptr_t>(options_.busy_timeout.count())));
        if (!sqlite_path_.empty()) {
          s << "PRAGMA journal_mode = WAL";
          // Reads map the file instead of copying each page in with pread.
          s << "PRAGMA mmap_size = " << kSqliteMmapBytes;
        }
        s << "PRAGMA foreign_keys = ON";
        s << (options_.sqlite_synchronous_full ? "PRAGMA synchronous = FULL"
                                               : "PRAGMA synchronous = NORMAL");
      } else {
        s << "SET TIME ZONE 'UTC'";
        s << "SET lock_timeout = " << options_.busy_timeout.count();
      }
    }
  } catch (const std::exception& e) {
    return Error::unavailable("cannot configure database " + display_url_ + ": " + e.what());
  }
  return {};
}

Result<Database::Lease> Database::lease() {
  size_t pos = 0;
  if (!pool_->try_lease(pos, static_cast<int>(options_.busy_timeout.count()))) {
    return Error::unavailable("no free database connection after " +
                              std::to_string(options_.busy_timeout.count()) + " ms");
  }
  return Lease(pool_.get(), pos, &leases_in_use_);
}

Status Database::ping() {
  auto l = lease();
  if (!l) return l.error();
  try {
    int one = 0;
    **l << "SELECT 1", soci::into(one);
    if (one != 1)
      return Error::unavailable("database answered SELECT 1 with " + std::to_string(one));
  } catch (const std::exception& e) {
    return Error::unavailable(std::string("database does not answer: ") + e.what());
  }
  return {};
}

int Database::latest_schema_version() {
  auto all = all_migrations();
  return all.empty() ? 0 : all.back().version;
}

Result<int> Database::schema_version() {
  auto l = lease();
  if (!l) return l.error();
  try {
    soci::session& s = **l;
    s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
         "name TEXT NOT NULL, applied_at TEXT NOT NULL)";
    soci::indicator ind = soci::i_ok;
    int v = 0;
    s << "SELECT MAX(version) FROM schema_version", soci::into(v, ind);
    return ind == soci::i_null ? 0 : v;
  } catch (const std::exception& e) {
    return Error::unavailable(std::string("cannot read schema_version: ") + e.what());
  }
}

Result<int> Database::migrate() { return migrate(all_migrations()); }

Result<int> Database::migrate(std::span<const Migration> migrations) {
  auto current = schema_version();
  if (!current) return current.error();
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (*current > known) {
    return Error::conflict("the database is at schema version " + std::to_string(*current) +
                           ", newer than this binary knows (" + std::to_string(known) +
                           "); upgrade insightcrm");
  }
  auto l = lease();
  if (!l) return l.error();
  soci::session& s = **l;
  int applied = 0;
  const Migration* failing = nullptr;
  try {
    if (engine_ == Engine::kPostgres) s << "SELECT pg_advisory_lock(" << kMigrationLockKey << ")";
    std::optional<soci::transaction> tr;
    for (const Migration& m : migrations) {
      int done = 0;
      s << "SELECT COUNT(*) FROM schema_version WHERE version = :v", soci::use(m.version),
          soci::into(done);
      if (done > 0) continue;
      failing = &m;
      if (!tr) tr.emplace(s);
      for (const auto& stmt : migration_statements(m, engine_)) s << stmt;
      std::string name(m.name);
      auto now =
          std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
      std::string at = format_timestamp(now);
      s << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(m.version), soci::use(name), soci::use(at);
      ++applied;
    }
    failing = nullptr;
    if (tr) tr->commit();
    if (engine_ == Engine::kPostgres) s << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
    if (applied > 0) {
      for (size_t i = 0; i < pool_size_; ++i) expire_statement_cache(pool_->at(i));
    }
  } catch (const std::exception& e) {
    if (engine_ == Engine::kPostgres) {
      try {
        s << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
      } catch (...) {
      }
    }
    std::string which =
        failing ? " " + std::to_string(failing->version) + "_" + std::string(failing->name) : "";
    return Error::internal("migration" + which + " failed: " + e.what());
  }
  return applied;
}

}  // namespace icrm::store
