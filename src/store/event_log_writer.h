// EventLogWriter: the fast append path of the event log, for the one thread
// that does group commits. It holds one pooled connection for its lifetime
// and writes through the engine's C API (as BulkWriter does for imports):
// on SQLite one prepared single-row INSERT stepped per row (SQLite runs it
// faster than a multi-row VALUES statement, measured), on PostgreSQL
// multi-row INSERTs of up to kPgRowsPerInsert rows, each one round trip.
// Either way one transaction per call, and a row whose (entity partition,
// ts, key) is already stored is skipped, not an error (ON CONFLICT DO NOTHING).
//
// Not thread-safe: one thread owns a writer. After an error the connection
// may be broken; drop the writer and open a new one.
#pragma once

#include <memory>
#include <span>

#include "core/result.h"
#include "store/database.h"
#include "store/event_store.h"

namespace icrm::store {

// Rows per PostgreSQL INSERT statement (9 parameters each; the protocol
// allows 65,535 parameters per statement).
inline constexpr size_t kPgRowsPerInsert = 1000;

class EventLogWriter {
 public:
  static Result<std::unique_ptr<EventLogWriter>> open(Database& db);
  ~EventLogWriter();
  EventLogWriter(const EventLogWriter&) = delete;
  EventLogWriter& operator=(const EventLogWriter&) = delete;

  // Appends in one transaction: every row durable on success (SQLite
  // synchronous=FULL, PostgreSQL commit), none on failure.
  Result<AppendResult> append(std::span<const EventRow> rows);

  class Backend;  // the engine's C API; defined in event_log_writer.cc

 private:
  EventLogWriter(Database::Lease lease, std::unique_ptr<Backend> backend);

  Database::Lease lease_;
  std::unique_ptr<Backend> backend_;
};

}  // namespace icrm::store
