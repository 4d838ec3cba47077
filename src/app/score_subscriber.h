// ScoreSubscriber: the live trigger. It listens on the EventBus for topic
// "score" — {"lead_id":N,"model_id":M,"probability":p,"score":s,"rank":r,
// "tier":"hot|warm|cold","previous_tier":"...|null","ts":"ISO"}, published
// by live re-scoring — and decides for that lead on its own worker thread
// (bus subscribers must return at once). A lead that already has an open
// next step is skipped (DecisionStore's rule, so two messages for one lead,
// or two instances, never create two steps).
//
// Bounded: at most kMaxQueuedScoreMessages wait; past it a message is dropped
// and counted (the next re-score of that lead brings it back). Malformed
// messages are counted and ignored.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "app/decision_service.h"
#include "core/event_bus.h"
#include "core/work_queue.h"

namespace icrm::app {

inline constexpr size_t kMaxQueuedScoreMessages = 10'000;

// The lead a "score" message is about, or nullopt when the message is not
// one (not JSON, no positive integer lead_id, a tier other than hot, warm, cold).
std::optional<int64_t> parse_score_message(std::string_view data);

class ScoreSubscriber {
 public:
  struct Counters {
    uint64_t decided = 0;    // a decision and its activity were stored
    uint64_t skipped = 0;    // conflict: an open next step, a closed or unscored lead
    uint64_t failed = 0;     // any other error
    uint64_t malformed = 0;  // not a score message
    uint64_t dropped = 0;    // the queue was full
  };

  ScoreSubscriber(EventBus& bus, DecisionService& service,
                  size_t max_queue = kMaxQueuedScoreMessages);
  // Unsubscribes, finishes the message being handled, drops the rest.
  ~ScoreSubscriber();
  ScoreSubscriber(const ScoreSubscriber&) = delete;
  ScoreSubscriber& operator=(const ScoreSubscriber&) = delete;

  // Blocks until every message received so far has been handled (tests).
  void wait_idle();
  Counters counters() const;

 private:
  void on_message(const BusMessage& m);
  void handle(int64_t lead);

  EventBus& bus_;
  DecisionService& service_;
  uint64_t token_ = 0;
  mutable std::mutex mutex_;
  Counters counters_;         // GUARDED_BY(mutex_)
  WorkQueue<int64_t> leads_;  // started last, stopped first
};

}  // namespace icrm::app
