// EventSource: an external feed of events the server consumes on its own
// thread (Kafka today), through the same pipeline as POST /api/v1/events
// (event_reader.h, then EventIngestor). A source owns its thread: the factory
// that makes one starts it, the destructor stops it after the round in
// flight is durable and its position committed.
//
// Thread-safety: name() and stats() from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace icrm::ingest {

// Counters since the source started; monotonic.
struct SourceStats {
  int64_t messages = 0;           // messages (records) taken from the feed
  int64_t messages_rejected = 0;  // refused whole: oversize, not JSON, too many events
  int64_t events_received = 0;    // events in the accepted messages
  int64_t events_stored = 0;      // newly stored (too late included)
  int64_t duplicates = 0;         // already in the log (a re-delivery): not counted again
  int64_t events_rejected = 0;    // refused one by one, with their located reason logged
  int64_t commits = 0;            // positions committed after the events were durable
  int64_t commit_failures = 0;    // the feed refused a commit; re-delivery is then deduplicated
  int64_t ingest_retries = 0;     // rounds retried because the log was unavailable or behind
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // "kafka", for logs and metrics.
  virtual std::string_view name() const = 0;
  virtual SourceStats stats() const = 0;
};

}  // namespace icrm::ingest
