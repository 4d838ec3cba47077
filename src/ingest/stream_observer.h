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
#include "stream/event.h"
#include "stream/event_type.h"
#include "stream/stream_state.h"

namespace icrm::ingest {

class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  virtual void applied(std::span<const stream::Event> events, const stream::StreamState& state,
                       const stream::EventTypeRegistry& types, Timestamp now) = 0;
  virtual void settle(Timestamp now) = 0;
  virtual void drain() {}
};

}  // namespace icrm::ingest
