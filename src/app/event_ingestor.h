// EventIngestor: the event pipeline behind every source (HTTP, replay,
// Kafka) — events already read and validated (event_reader.h) have their
// entity checked and made canonical (EntityResolver), are appended durably
// with group commit (EventAppender), and reach the live stream state in log
// order (StreamWorker), which raises alerts and publishes the summary.
//
// start() loads the registered event types, rebuilds the stream state by
// replaying the whole log (so it equals the state before the restart), then
// starts the writer and stream threads. The destructor writes what is queued
// and stops them.
//
// Thread-safety: ingest(), stats() and the accessors from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "app/event_appender.h"
#include "app/stream_worker.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/result.h"
#include "ingest/entity_resolver.h"
#include "ingest/event_reader.h"
#include "ingest/event_type_catalog.h"
#include "store/database.h"
#include "stream/log_replay.h"
#include "stream/stream_config.h"
#include "stream/stream_monitor.h"

namespace icrm::app {

struct IngestorOptions {
  stream::StreamOptions stream;    // windows, lateness, per-entity anomaly rule
  stream::MonitorOptions monitor;  // whole-stream anomaly rule
  ingest::ResolverOptions resolver;
  std::chrono::milliseconds summary_interval{1000};
  // Follows the live stream (app::LiveScorer); nullptr for none.
  // REQUIRES: outlives the ingestor.
  StreamObserver* observer = nullptr;
};

// The answer to one batch.
struct IngestReport {
  size_t received = 0;
  size_t accepted = 0;    // stored now (too_late included)
  size_t duplicates = 0;  // already in the log: not stored or counted again
  size_t too_late = 0;    // stored but flagged: older than the allowed lateness
  std::vector<ingest::EventRejection> rejected;  // by index
};

using IngestDone = std::function<void(Result<IngestReport>)>;

class EventIngestor {
 public:
  static Result<std::unique_ptr<EventIngestor>> start(store::Database& db, const Clock& clock,
                                                      EventBus& bus, IngestorOptions options = {});
  ~EventIngestor();

  // The registry to read a batch with; pass the same one to ingest().
  std::shared_ptr<const ingest::EventTypeRegistry> types() const { return catalog_->snapshot(); }
  ingest::EventTypeCatalog& catalog() { return *catalog_; }
  const Clock& clock() const { return clock_; }
  const stream::StreamConfig& config() const { return config_; }

  // Resolves the events' entities (on the calling thread: one query per
  // kind for references not cached), rejects unknown ones, and appends the
  // rest. `done` runs once, when they are durable (on the writer thread) or
  // at once on an error. `submitted_by`: the user who sent them (an API
  // caller), stored with each; none for a replay or a broker.
  void ingest(ingest::ParsedEvents parsed, std::shared_ptr<const ingest::EventTypeRegistry> types,
              IngestDone done, std::optional<int64_t> submitted_by = std::nullopt);

  // Rewrites one entity reference to its canonical key ("lead:ext:7" ->
  // "lead:3"); false when it names no record. REQUIRES: check_entity_key passed.
  Result<bool> resolve_entity(std::string& entity);

  StreamStats stats() const { return worker_->stats(); }
  AppenderStats appender_stats() const { return appender_->stats(); }
  const stream::ReplayStats& replayed() const { return replayed_; }
  StreamWorker& worker() { return *worker_; }

 private:
  EventIngestor(store::Database& db, const Clock& clock, stream::StreamConfig config,
                ingest::ResolverOptions resolver);

  store::Database& db_;
  const Clock& clock_;
  stream::StreamConfig config_;
  ingest::EntityResolver resolver_;
  stream::ReplayStats replayed_;
  std::unique_ptr<ingest::EventTypeCatalog> catalog_;
  std::unique_ptr<StreamWorker> worker_;
  std::unique_ptr<EventAppender> appender_;  // last: stopped (drained) first
};

}  // namespace icrm::app
