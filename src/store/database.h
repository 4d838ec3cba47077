// Database: the system of record's connection, on one of two engines chosen by
// URL — SQLite (embedded, one file, the default) or PostgreSQL (shared by
// several app instances). SQL is written once through SOCI and runs on both;
// the few dialect differences live here and in the migration runner.
//
// Thread-safety: a Database may be used from any thread. Each Lease is one
// pooled connection, used by one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"

namespace soci {
class connection_pool;
class session;
}  // namespace soci

namespace icrm::store {

class WalCheckpointer;

enum class Engine { kSqlite, kPostgres };

// How a write transaction commits (sql_support.h: WriteTransaction).
// kFlushed: durable at commit, as every write of the store. kUnflushed: for
// rows that can be derived again and are written on a latency path (live
// scoring, models/live_scorer.h) — consistent and atomic, and durable against
// a crash of the process, but not flushed to disk at commit (SQLite:
// synchronous=NORMAL for that commit, WAL mode: the next flushed commit or
// checkpoint carries it; PostgreSQL: synchronous_commit off for the
// transaction), so a crash of the machine may lose the last ones.
enum class Flush { kFlushed, kUnflushed };

struct DatabaseOptions {
  // "sqlite:path/to/file.db", "sqlite::memory:", or
  // "postgresql://user:pass@host:port/dbname" (any libpq URI).
  std::string url = "sqlite:data/insightcrm.db";
  // Connections in the pool; ":memory:" SQLite always uses one.
  size_t pool_size = 4;
  // SQLite: synchronous=FULL, so an acknowledged write survives power loss.
  // (A transaction may still commit unflushed: see Flush.)
  // Turning it off (NORMAL) keeps the database consistent but may lose the
  // last transactions on a crash of the machine.
  bool sqlite_synchronous_full = true;
  // SQLite file: WAL pages (4 KiB each) after which commits wake the
  // background checkpointer (wal_checkpointer.h). Each group commit of the
  // event log rewrites the same right-edge index pages; a larger WAL copies
  // each such page once for many commits.
  int sqlite_checkpoint_pages = 16384;
  // SQLite file: false opens no background checkpointer (and so no
  // connection of its own); commits then checkpoint as SQLite does by
  // default. For a one-connection bulk load that wants the file to itself
  // (BulkWriter::use_rollback_journal, `dataset load`).
  bool sqlite_checkpoint_thread = true;
  // How long a writer waits for a lock, and a caller for a pooled connection.
  std::chrono::milliseconds busy_timeout{5000};
};

struct Migration;  // store/migrations.h

class Database {
 public:
  // A pooled connection, returned to the pool when the Lease goes away.
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    soci::session& operator*() const;
    soci::session* operator->() const;

   private:
    friend class Database;
    Lease(soci::connection_pool* pool, size_t pos, std::atomic<size_t>* in_use);
    soci::connection_pool* pool_;
    size_t pos_;
    std::atomic<size_t>* in_use_;
  };

  // Connects and configures every pooled connection. Does not migrate.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options);
  ~Database();

  Engine engine() const { return engine_; }
  // Whether pooled SQLite connections run synchronous=FULL.
  bool sqlite_synchronous_full() const { return options_.sqlite_synchronous_full; }
  // The URL with any password masked, for logs and messages.
  const std::string& display_url() const { return display_url_; }
  // For SQLite, the database file ("" for :memory:).
  const std::string& sqlite_path() const { return sqlite_path_; }

  // Waits up to busy_timeout for a free connection.
  Result<Lease> lease();
  // Pool gauges for /metrics: connections in the pool, and leased right now.
  size_t pool_size() const { return pool_size_; }
  size_t leases_in_use() const { return leases_in_use_.load(); }

  // Applies every migration newer than the database's schema_version, all
  // in one transaction: all or none of them (a fresh SQLite file then waits
  // for the disk once instead of once per migration). On PostgreSQL an
  // advisory lock keeps two instances starting at once from applying the
  // same migration twice. Returns the number applied.
  Result<int> migrate();
  // The same with a list of migrations of its own, oldest first (tests).
  Result<int> migrate(std::span<const Migration> migrations);
  // The highest applied migration (0 for an empty database).
  Result<int> schema_version();
  // The highest migration this build knows.
  static int latest_schema_version();

  // True when the database answers a trivial query.
  Status ping();

  // A SQLite file's background WAL checkpointer (wal_checkpointer.h); null
  // for PostgreSQL and for :memory:.
  WalCheckpointer* checkpointer() const { return checkpointer_.get(); }

 private:
  Database() = default;
  Status configure_all();

  Engine engine_ = Engine::kSqlite;
  std::string display_url_;
  std::string sqlite_path_;
  DatabaseOptions options_;
  size_t pool_size_ = 1;
  std::unique_ptr<soci::connection_pool> pool_;
  std::atomic<size_t> leases_in_use_{0};
  // Declared after the pool: stopped before the connections close.
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

// Splits a --db URL into engine and SOCI connect string; a located error for
// anything else.
struct ParsedUrl {
  Engine engine;
  std::string connect_string;  // what SOCI's back end is given
  std::string sqlite_path;
  std::string display;  // password masked
};
Result<ParsedUrl> parse_database_url(const std::string& url);

}  // namespace icrm::store
