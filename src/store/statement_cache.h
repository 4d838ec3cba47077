// StatementCache: the statements query_rows() runs, prepared once per pooled
// connection and kept, so a repeated query (a record read by id, a login's
// session lookup, a list page) skips parsing and planning. SQLite keeps the
// compiled sqlite3_stmt, PostgreSQL a named server-side statement (parsed and
// planned once; each use is still one round trip). Whoever else prepares
// statements on a pooled connection frees only its own (BulkWriter: no
// DEALLOCATE ALL, which dropped the cache's statements under it and made
// their next use fail).
//
// One cache belongs to one pooled connection and is used only by the thread
// holding that connection's Lease, so it needs no lock. Database registers
// each pooled connection's cache; a session that is not pooled (a BulkWriter's,
// a test's own) has none and query_rows() prepares every time, as before.
// ICRM_STATEMENT_CACHE=off in the environment attaches no cache at all (to
// measure what it buys; bench/README.md).
//
// A statement is keyed by its SQL, the kinds of its bound values (a NULL binds
// differently from text, an integer or a double), its column count and which
// columns are read as doubles. The cache holds at most kMaxCachedStatements
// per connection and starts over when full (list queries with many filter
// combinations cannot grow it without bound). A statement that throws is
// dropped on SQLite, kept on PostgreSQL (see query()). Database::migrate()
// expires every pooled connection's cache, which starts over at its next use:
// PostgreSQL refuses a prepared statement whose result type a migration
// changed.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>

#include "store/sql_support.h"

namespace icrm::store {

inline constexpr size_t kMaxCachedStatements = 128;

class StatementCache {
 public:
  explicit StatementCache(Engine engine);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // query_rows() on `s` (the connection this cache belongs to) through a kept
  // statement.
  // Bit i of `real_columns` reads column i as a double (row_buffers.h).
  std::vector<SqlRow> query(soci::session& s, const std::string& sql, const SqlParams& params,
                            size_t columns, uint64_t real_columns);
  // From any thread: the cache starts over at its next use.
  void expire() { expired_.store(true); }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry;
  Engine engine_;
  std::atomic<bool> expired_{false};
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

// The process-wide caches of pooled connections, kept by Database: attached
// when a connection is opened, detached (destroyed) before it closes.
void attach_statement_cache(const soci::session& s, Engine engine);
void detach_statement_cache(const soci::session& s);
void expire_statement_cache(const soci::session& s);
// The connection's cache, or nullptr for a connection that has none.
StatementCache* statement_cache_for(const soci::session& s);

}  // namespace icrm::store
