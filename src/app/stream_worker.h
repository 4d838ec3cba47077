// StreamWorker: the one thread that owns the live StreamState and the
// whole-stream StreamMonitor. It takes the events the appender committed, in
// log order, applies them (so the live state is what a replay of the log
// rebuilds), turns the anomalies the rule finds into alerts — stored
// (AlertStore) and published on the EventBus — publishes a stream summary
// every second, and keeps the counters GET /api/v1/events/stats reports.
//
// Thread-safety: committed() comes from the appender's flusher thread and
// admission() from its writer, never at once (event_appender.h);
// stats(), read_state() and flush() from any thread. Readers of the state
// hold the worker's lock for the duration of their callback: keep it short.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/event_appender.h"
#include "app/stream_observer.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "ingest/event_type_catalog.h"
#include "store/database.h"
#include "stream/stream_monitor.h"
#include "stream/stream_state.h"

namespace icrm::app {

// Alerts stored per second of the clock, at most; past it they are counted
// (and reported in the summary) but not stored, so a storm of anomalies
// cannot stall the stream behind the database.
inline constexpr int kMaxAlertsPerSecond = 100;

struct StreamWorkerOptions {
  stream::MonitorOptions monitor;
  // How often the summary is published and the monitor's buckets closed.
  std::chrono::milliseconds summary_interval{1000};
  int max_alerts_per_second = kMaxAlertsPerSecond;
  // Follows every applied group (live scoring); nullptr for none. REQUIRES:
  // outlives the worker.
  StreamObserver* observer = nullptr;
};

// Counts by type id, for the log as a whole (replay seeds them).
using TypeCounts = std::array<int64_t, ingest::kMaxEventTypes>;

struct StreamStats {
  int64_t total = 0;  // events in the log: applied plus flagged too late
  std::vector<std::pair<std::string, int64_t>> by_type;  // type name -> events in the log
  int64_t last_minute = 0;  // events committed in the last 60 s of the clock
  int64_t applied = 0;      // since start (replay included)
  int64_t too_late = 0;
  int64_t duplicates = 0;  // refused by the stream after storing (see admission.h)
  int64_t entities = 0;
  int64_t alerts = 0;             // stored since start
  int64_t alerts_suppressed = 0;  // past kMaxAlertsPerSecond
  int64_t watermark_us = 0;       // newest applied event time; 0 before any
  int64_t queued_groups = 0;
};

class StreamWorker final : public CommitSink {
 public:
  // `state` is the state the log's replay rebuilt; `log_counts` its rows by type.
  // REQUIRES: db, clock, bus and catalog outlive the worker.
  StreamWorker(stream::StreamState state, TypeCounts log_counts, stream::StreamMonitor monitor,
               StreamWorkerOptions options, store::Database& db, const Clock& clock, EventBus& bus,
               const ingest::EventTypeCatalog& catalog);
  ~StreamWorker() override;

  void committed(std::vector<ingest::Event> events) override;
  stream::Admission admission() override;

  StreamStats stats() const;
  // Calls fn with the live state, under the worker's lock.
  void read_state(const std::function<void(const stream::StreamState&)>& fn) const;
  // Waits until everything committed so far is applied, then runs the
  // periodic work (monitor tick, summary) once at clock.now() and waits for
  // the observer to drain (live scoring on its own thread). For tests
  // that drive a ManualClock; the worker's own timer does this every interval.
  void flush();

 private:
  void run();
  void apply(std::vector<ingest::Event>& events, Timestamp now);
  void tick(Timestamp now);
  void raise(const std::vector<stream::Anomaly>& found, Timestamp now);

  const StreamWorkerOptions options_;
  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  const ingest::EventTypeCatalog& catalog_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<std::vector<ingest::Event>> queue_;  // GUARDED_BY(mutex_)
  bool busy_ = false;                             // GUARDED_BY(mutex_): a group is being applied
  bool stopping_ = false;                         // GUARDED_BY(mutex_)
  uint64_t flush_requests_ = 0;                   // GUARDED_BY(mutex_)
  uint64_t flushes_done_ = 0;                     // GUARDED_BY(mutex_)
  stream::StreamState state_;      // GUARDED_BY(mutex_) for readers; written by the worker thread
  stream::StreamMonitor monitor_;  // worker thread only
  TypeCounts log_counts_{};        // GUARDED_BY(mutex_)
  // Events committed per second of the clock, for last_minute.
  std::array<std::pair<int64_t, int64_t>, 60> per_second_{};  // GUARDED_BY(mutex_): (second, count)
  int64_t alerts_ = 0;                                        // GUARDED_BY(mutex_)
  int64_t alerts_suppressed_ = 0;                             // GUARDED_BY(mutex_)
  int64_t alert_second_ = 0;                                  // worker thread only
  int alerts_this_second_ = 0;                                // worker thread only
  int64_t events_since_summary_ = 0;                          // worker thread only
  TypeCounts since_summary_by_type_{};                        // worker thread only
  int64_t alerts_at_last_summary_ = 0;                        // worker thread only
  std::vector<stream::Anomaly> found_;                        // worker thread only; reused
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace icrm::app
