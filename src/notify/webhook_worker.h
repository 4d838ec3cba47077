// WebhookWorker: tells configured URLs about decisions, alerts and score
// changes (src/notify/ in docs/architecture.md).
//
// A durable outbox: the EventBus subscriber only queues the message in memory
// (it runs on the publisher's thread); step() then writes all queued messages
// of subscribed topics to webhook_deliveries as pending rows (one per
// endpoint) in one transaction, claims up to `batch` due rows in one
// transaction, attempts each (sign (signature.h), POST (HttpPoster)) and
// stores the batch's outcomes in one transaction. A non-2xx answer, a timeout or no connection is a
// failure, retried after BackoffPolicy's delay; after max_attempts the row is failed. Pending rows
// outlive a restart: the next worker finds them due. Delivery is at least once; receivers
// deduplicate on X-InsightCRM-Delivery.
//
// What is lost: messages still in the memory queue when the process dies
// (between publish and the next step(), normally under a second), and
// messages past kMaxQueuedWebhookMessages; both are logged and counted.
//
// Thread-safety: offer() from any thread. step() from one thread at a time
// (the worker's own thread after start(), or a test calling it directly with
// a ManualClock: tests never sleep).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

#include "core/clock.h"
#include "core/event_bus.h"
#include "core/periodic_thread.h"
#include "core/random.h"
#include "core/result.h"
#include "notify/backoff.h"
#include "notify/http_poster.h"
#include "store/database.h"
#include "store/webhook_store.h"

namespace icrm::notify {

struct WebhookWorkerOptions {
  BackoffPolicy backoff{};
  size_t batch = 32;  // deliveries claimed and attempted per step
  // How long a claimed row stays taken: more than the request timeout, so a
  // live attempt is never repeated; a dead worker's row comes back after it.
  // A step stops posting at half of it and gives the rest of its batch back.
  std::chrono::seconds claim_lease{60};
  // The background thread's step interval when nothing wakes it.
  std::chrono::milliseconds poll_interval{1000};
  uint64_t seed = 0x5eed;  // jitter draws
};

struct WebhookWorkerStats {
  uint64_t queued = 0;  // messages written to the outbox
  uint64_t attempts = 0;
  uint64_t delivered = 0;
  uint64_t failed = 0;   // given up after max attempts
  uint64_t dropped = 0;  // memory queue full, data too large or not JSON
};

class WebhookWorker {
 public:
  // REQUIRES: db, poster and clock outlive the worker.
  WebhookWorker(store::Database& db, HttpPoster& poster, const Clock& clock,
                WebhookWorkerOptions options = {});
  // Unsubscribes and stops the thread.
  ~WebhookWorker();
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  // Subscribes offer() to `bus` (until destruction). At most one bus.
  void subscribe(EventBus& bus);
  // Queues a bus message of a webhook topic; others ("summary") are ignored.
  void offer(const BusMessage& message);

  // One round: the queued messages into the outbox, then up to `batch` due
  // deliveries attempted. Returns how many attempts were made.
  Result<size_t> step();

  // Runs step() on a thread every poll_interval, sooner when offer() queues.
  void start();
  void stop();

  WebhookWorkerStats stats() const;

 private:
  Status flush_queue();
  // One signed POST of a claimed delivery; its outcome, not yet stored.
  store::DeliveryAttempt send(const store::WebhookDelivery& delivery,
                              const store::WebhookEndpoint& endpoint);

  store::Database& db_;
  store::WebhookStore store_;
  HttpPoster& poster_;
  const Clock& clock_;
  WebhookWorkerOptions options_;
  Rng rng_;  // used by step() only

  EventBus* bus_ = nullptr;
  uint64_t token_ = 0;

  mutable std::mutex mutex_;
  std::deque<BusMessage> queue_;  // GUARDED_BY(mutex_)
  PeriodicThread thread_;

  std::atomic<uint64_t> queued_{0}, attempts_{0}, delivered_{0}, failed_{0}, dropped_{0};
  uint64_t sequence_ = 0;  // event ids; used by step() only
};

}  // namespace icrm::notify
