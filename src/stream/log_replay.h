// Rebuilding a StreamState at start by replaying the event log in arrival
// order, which reproduces every duplicate and too-late decision, so the
// rebuilt state equals the state before the restart.
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "ingest/event_type.h"
#include "store/event_store.h"
#include "stream/stream_state.h"

namespace icrm::stream {

struct ReplayStats {
  int64_t rows = 0;
  // Rows by type id (of the registry given), applied or not.
  std::array<int64_t, ingest::kMaxEventTypes> rows_by_type{};
  int64_t applied = 0;
  int64_t unknown_type = 0;  // skipped: their type is not registered now
  int64_t last_seq = 0;      // resume point for a later catch-up
};

// Applies every row with seq > after_seq to `state`, in pages of `page_size`.
Result<ReplayStats> replay_event_log(store::EventStore& log, const ingest::EventTypeRegistry& types,
                                     StreamState& state, int64_t after_seq = 0,
                                     size_t page_size = 10000);

}  // namespace icrm::stream
