// EventTypeCatalog: the event types in force — the eight built in plus those
// an admin registered, kept in the database (event_types) so a restart and
// a replay of the log know them. Readers take an immutable snapshot of the
// registry (validation holds one for a whole batch); a registration builds a
// new registry and swaps it in, so nobody reads a table being changed.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ingest/event_type.h"
#include "store/database.h"
#include "store/event_type_store.h"

namespace icrm::ingest {

class EventTypeCatalog {
 public:
  // Loads the registered types in registration order.
  static Result<std::unique_ptr<EventTypeCatalog>> load(store::Database& db);

  std::shared_ptr<const ingest::EventTypeRegistry> snapshot() const;

  // Registers a custom type: the name rule and the kMaxEventTypes bound of
  // ingest::EventTypeRegistry, then stored. A conflict when the name exists
  // (built in or registered).
  Result<store::EventTypeRecord> register_type(const std::string& name,
                                               const std::string& description,
                                               std::optional<int64_t> created_by, Timestamp at);
  // The custom types with their descriptions, oldest first.
  Result<std::vector<store::EventTypeRecord>> custom_types();

 private:
  EventTypeCatalog(store::Database& db, std::shared_ptr<const ingest::EventTypeRegistry> registry)
      : store_(db), registry_(std::move(registry)) {}

  store::EventTypeStore store_;
  std::mutex register_mutex_;  // serialises registrations
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const ingest::EventTypeRegistry> registry_;  // GUARDED_BY(snapshot_mutex_)
};

}  // namespace icrm::ingest
