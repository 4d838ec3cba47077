// SseHub: the live server-sent event stream of GET /api/v1/stream. It
// subscribes to the EventBus and turns every message (topics "score",
// "alert", "summary", "decision", ... — whatever stages publish) into an SSE
// frame `id: N / event: <topic> / data: <json>`, kept in a bounded ring of
// recent frames and queued for every connected client.
//
// - Ids increase by one per message and start at the clock's microseconds
//   when the hub starts, so ids from before a restart are older than any
//   after it. A client resuming with Last-Event-ID gets the ring's frames
//   after that id; when the id is older than the ring, all of it (and a
//   comment saying frames were missed).
// - A client whose queue is full (it reads too slowly) is dropped — its
//   stream ends — rather than slowing the publisher (the stream worker); it
//   reconnects with Last-Event-ID. Publishing never waits on a socket.
// - A heartbeat comment every `heartbeat` keeps proxies from closing an idle
//   stream and finds clients that went away.
// - close_all() (graceful shutdown) ends every stream; close_user() ends one
//   user's (signed out, disabled, role changed: the stream's viewer scope was
//   fixed when it opened, so the client must reconnect and be checked again).
// - Access: each frame's audience is read once, when it is published, from
//   its message (sse_audience: the `owner_id` a message about a lead carries;
//   none on a stream-wide message), and each client has a viewer scope
//   (SseViewer, from the caller's role). Fan-out and Last-Event-ID replay
//   skip the frames a client may not see: a comparison per frame per client,
//   never a database lookup.
//
// Thread-safety: any thread may publish (through the bus), connect or read
// stats. The hub must outlive the bus subscription only: streams still held
// by connections after the hub is gone end on their own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/policy.h"
#include "api/response_stream.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/result.h"

namespace icrm::api {

// Clients connected at once; one more is answered 503.
inline constexpr std::size_t kDefaultMaxSseClients = 64;
// Frames waiting for one client; one more drops the client.
inline constexpr std::size_t kDefaultSseClientQueue = 1024;
// Recent frames kept for Last-Event-ID.
inline constexpr std::size_t kDefaultSseRingSize = 4096;
inline constexpr std::chrono::milliseconds kDefaultSseHeartbeat{15'000};
// What EventSource waits before reconnecting (the stream's `retry:` field).
inline constexpr std::chrono::milliseconds kSseRetry{2'000};

struct SseOptions {
  std::size_t max_clients = kDefaultMaxSseClients;
  std::size_t client_queue = kDefaultSseClientQueue;
  std::size_t ring_size = kDefaultSseRingSize;
  std::chrono::milliseconds heartbeat = kDefaultSseHeartbeat;
};

struct SseStats {
  std::size_t clients = 0;
  int64_t connected = 0;  // since start
  int64_t dropped = 0;    // too slow: queue full
  int64_t refused = 0;    // past max_clients
  int64_t published = 0;
  int64_t withheld = 0;  // frames not queued for a client because its viewer may not see them
  uint64_t last_id = 0;  // 0 before any message
};

// Who may see a frame, read from its message (a JSON object).
struct SseAudience {
  enum class Kind {
    kEveryone,      // about the whole stream: the summary, a stream-wide alert
    kOwner,         // about a lead (or customer) whose owner the message names
    kUnknownOwner,  // about a record, owner not said (an anomaly alert on "lead:7"):
                    // only viewers who see every record get it
  };
  Kind kind = Kind::kEveryone;
  int64_t owner_id = 0;  // kOwner: 0 when the record is unassigned
};

// A message with an `owner_id` member (integer, or null for unassigned) is
// kOwner; else one naming a record (`lead_id`, `customer_id`, or a non-empty
// `entity`) is kUnknownOwner; else kEveryone. Data that is not a JSON object
// is kUnknownOwner (fails closed).
SseAudience sse_audience(const BusMessage& message);

// What one client may see: stream-wide frames, and frames about the records
// its role may list (auth::list_scope of leads, as the REST lists filter
// them: auth::in_list_scope); a frame about a record whose owner it does not
// carry only with kAll. kNone: stream-wide frames only.
struct SseViewer {
  auth::ListScope scope = auth::ListScope::kAll;
  int64_t user_id = 0;

  bool sees(const SseAudience& audience) const;
};

// One SSE frame for `message` with `id` ("data:" lines split at newlines).
std::string sse_frame(uint64_t id, const BusMessage& message);

// Parses a Last-Event-ID header: decimal digits only (at most 20).
Result<uint64_t> parse_last_event_id(std::string_view text);

class SseHub {
 public:
  // Starts the heartbeat thread and subscribes to `bus`. REQUIRES: the bus
  // outlives the hub.
  SseHub(EventBus& bus, const Clock& clock, SseOptions options = {});
  ~SseHub();  // unsubscribes, ends every stream, stops the heartbeat
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  // A new client's stream for `viewer`, starting with the ring's frames
  // after `last_event_id` that the viewer may see (none without one).
  // unavailable when max_clients are connected.
  Result<std::shared_ptr<ResponseStream>> connect(std::optional<uint64_t> last_event_id,
                                                  SseViewer viewer = {});

  // Sends a heartbeat comment to every client now (the hub's own thread
  // does this every options.heartbeat).
  void heartbeat();
  // Ends every stream (graceful shutdown); new clients are still accepted.
  void close_all();
  // Ends the streams opened by user `user_id`; returns how many.
  std::size_t close_user(int64_t user_id);

  SseStats stats() const;
  const SseOptions& options() const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
  EventBus& bus_;
  uint64_t subscription_ = 0;
};

}  // namespace icrm::api
