#include "stream/log_replay.h"

#include "ingest/logged_event.h"

namespace icrm::stream {

Result<ReplayStats> replay_event_log(store::EventStore& log, const ingest::EventTypeRegistry& types,
                                     StreamState& state, int64_t after_seq, size_t page_size) {
  ReplayStats stats;
  stats.last_seq = after_seq;
  for (;;) {
    auto page = log.read_after(stats.last_seq, page_size);
    if (!page) return page.error();
    for (const store::LoggedEvent& row : *page) {
      ++stats.rows;
      stats.last_seq = row.seq;
      auto event = ingest::from_logged_event(row, types);
      if (!event) {
        ++stats.unknown_type;
        continue;
      }
      ++stats.rows_by_type[event->type];
      if (state.apply(*event) == ApplyOutcome::kApplied) ++stats.applied;
    }
    if (page->size() < page_size) return stats;
  }
}

}  // namespace icrm::stream
