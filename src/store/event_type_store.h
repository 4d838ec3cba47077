// EventTypeStore: the custom event types an admin registered (table
// event_types, migration 0007), in registration order — the order that gives
// each its in-process id, so it must never change for stored rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

struct EventTypeRecord {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::optional<int64_t> created_by;
  Timestamp created_at{};
};

inline constexpr size_t kMaxEventTypeDescriptionBytes = 500;

class EventTypeStore {
 public:
  explicit EventTypeStore(Database& db) : db_(db) {}

  // Oldest first.
  Result<std::vector<EventTypeRecord>> list();
  // Stores a new type; a conflict when the name exists. The name is checked
  // by the caller (ingest::EventTypeRegistry owns the naming rule).
  Result<EventTypeRecord> create(const std::string& name, const std::string& description,
                                 std::optional<int64_t> created_by, Timestamp at);

 private:
  Database& db_;
};

}  // namespace icrm::store
