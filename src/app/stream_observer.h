// StreamObserver: how a stage to the right of ingest (live lead scoring,
// models/live_scorer.h) follows the live stream without ingest calling into
// it by name. The StreamWorker calls it on its own thread, in log order.
//
// applied() runs under the worker's lock, with the state just updated by
// `events`: copy what is needed (window features) and return quickly.
// settle() follows on the same thread without the lock: do the slow work
// (database, scoring, publishing) there, or hand it to a thread of the
// observer's own. Both see the clock's `now`. drain() waits until the work of
// every group settled so far is done (StreamWorker::flush(), for tests).
#pragma once

#include <span>

#include "core/time.h"
#include "ingest/event.h"
#include "ingest/event_type.h"
#include "stream/stream_state.h"

namespace icrm::app {

class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  virtual void applied(std::span<const ingest::Event> events, const stream::StreamState& state,
                       const ingest::EventTypeRegistry& types, Timestamp now) = 0;
  virtual void settle(Timestamp now) = 0;
  virtual void drain() {}
};

}  // namespace icrm::app
