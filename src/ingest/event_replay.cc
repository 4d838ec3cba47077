#include "ingest/event_replay.h"

#include <string>

namespace icrm::ingest {

store::LoggedEvent to_logged_event(const stream::Event& event,
                                   const stream::EventTypeRegistry& types, Timestamp received_at,
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

Result<stream::Event> from_logged_event(const store::LoggedEvent& row,
                                        const stream::EventTypeRegistry& types) {
  std::optional<stream::EventTypeId> type = types.find(row.type);
  if (!type) {
    return Error::invalid(
        "event " + std::to_string(row.seq) + " has unregistered type '" + row.type + "'", "type");
  }
  stream::Event e;
  e.entity = row.entity;
  e.type = *type;
  e.ts = row.ts;
  e.value = row.value;
  e.key = row.key;
  e.attrs = row.attrs;
  return e;
}

Result<ReplayStats> replay_event_log(store::EventStore& log, const stream::EventTypeRegistry& types,
                                     stream::StreamState& state, int64_t after_seq,
                                     size_t page_size) {
  ReplayStats stats;
  stats.last_seq = after_seq;
  for (;;) {
    auto page = log.read_after(stats.last_seq, page_size);
    if (!page) return page.error();
    for (const store::LoggedEvent& row : *page) {
      ++stats.rows;
      stats.last_seq = row.seq;
      auto event = from_logged_event(row, types);
      if (!event) {
        ++stats.unknown_type;
        continue;
      }
      ++stats.rows_by_type[event->type];
      if (state.apply(*event) == stream::ApplyOutcome::kApplied) ++stats.applied;
    }
    if (page->size() < page_size) return stats;
  }
}

}  // namespace icrm::ingest
