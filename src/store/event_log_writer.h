// EventLogWriter: the fast append path of the event log, for the one thread
// that does group commits. It holds one pooled connection for its lifetime
// and writes through the engine's C API (as BulkWriter does for imports):
// on SQLite one prepared single-row INSERT stepped per row (SQLite runs it
// faster than a multi-row VALUES statement, measured), on PostgreSQL
// multi-row INSERTs of up to kPgRowsPerInsert rows, each one round trip.
// Either way one transaction per call, and a row whose (entity partition,
// ts, key) is already stored is skipped, not an error (ON CONFLICT DO NOTHING).
//
// Commit modes. kAtCommit: append() returns once the rows are durable (SQLite
// synchronous=FULL, PostgreSQL commit). kDeferred: on a SQLite file whose
// pool runs synchronous=FULL, the writer's connection commits at NORMAL (the
// WAL frames are written, not synced) and deferred_sync() names the WAL to
// sync before the rows may be called durable — so one thread can sync while
// this one writes the next transaction (wal_sync.h). Anywhere else (PostgreSQL,
// :memory:, a pool at NORMAL) kDeferred behaves as kAtCommit and
// deferred_sync() is null.
//
// Not thread-safe: one thread owns a writer. After an error the connection
// may be broken; drop the writer and open a new one.
#pragma once

#include <memory>
#include <span>

#include "core/result.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/wal_sync.h"

namespace icrm::store {

// Rows per PostgreSQL INSERT statement (10 parameters each; the protocol
// allows 65,535 parameters per statement).
inline constexpr size_t kPgRowsPerInsert = 1000;

enum class LogSync { kAtCommit, kDeferred };

class EventLogWriter {
 public:
  static Result<std::unique_ptr<EventLogWriter>> open(Database& db,
                                                      LogSync mode = LogSync::kAtCommit);
  ~EventLogWriter();
  EventLogWriter(const EventLogWriter&) = delete;
  EventLogWriter& operator=(const EventLogWriter&) = delete;

  // Appends in one transaction: every row committed on success, none on
  // failure. Durable on success unless deferred_sync() is set: then durable
  // once a deferred_sync()->sync() that started after the return succeeds.
  Result<AppendResult> append(std::span<const EventRow> rows);

  // The WAL whose sync makes this writer's commits durable; null when each
  // commit is durable by itself. Shared: it stays valid after the writer goes.
  const std::shared_ptr<const WalSync>& deferred_sync() const { return deferred_sync_; }

  class Backend;  // the engine's C API; defined in event_log_writer.cc

 private:
  EventLogWriter(Database::Lease lease, std::unique_ptr<Backend> backend,
                 std::shared_ptr<const WalSync> deferred_sync);

  Database::Lease lease_;
  std::unique_ptr<Backend> backend_;
  std::shared_ptr<const WalSync> deferred_sync_;
};

}  // namespace icrm::store
