#include "ingest/logged_event.h"

#include <string>

namespace icrm::ingest {

store::LoggedEvent to_logged_event(const ingest::Event& event,
                                   const ingest::EventTypeRegistry& types, Timestamp received_at,
                                   bool too_late) {
  store::LoggedEvent row;
  row.key = event.key;
  row.entity = event.entity;
  row.type = std::string(types.name(event.type));
  row.ts = event.ts;
  row.value = event.value;
  row.attrs = event.attrs;
  row.received_at = received_at;
  row.too_late = too_late;
  return row;
}

Result<ingest::Event> from_logged_event(const store::LoggedEvent& row,
                                        const ingest::EventTypeRegistry& types) {
  std::optional<ingest::EventTypeId> type = types.find(row.type);
  if (!type) {
    return Error::invalid(
        "event " + std::to_string(row.seq) + " has unregistered type '" + row.type + "'", "type");
  }
  ingest::Event e;
  e.entity = row.entity;
  e.type = *type;
  e.ts = row.ts;
  e.value = row.value;
  e.key = row.key;
  e.attrs = row.attrs;
  return e;
}

}  // namespace icrm::ingest
