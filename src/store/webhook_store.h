// WebhookStore: the webhook endpoints an admin registers and the durable
// outbox of deliveries to them (tables webhook_endpoints and
// webhook_deliveries, migration 0009). src/notify/ writes the outbox and
// delivers from it; src/api/ manages endpoints and reads deliveries.
// Thread-safe as Database is.
//
// Every change to an endpoint (create, update, remove, a new secret) is in
// the audit log (entity "webhooks"), in the change's own transaction. The
// entry holds the URL's scheme and authority only (receivers often carry a
// token in the path or query) and never the secret.
//
// The outbox contract: enqueue() turns one message into a pending row per
// active endpoint subscribed to its topic; due() hands out pending rows whose
// next_attempt_at has come; record_attempt() stores each attempt's outcome.
// The batched forms do the same for many rows in one transaction each (one
// commit instead of one per row): enqueue_many(), claim_due(),
// record_attempts(). Rows are never deleted by the worker, so the table is
// the delivery log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/actor.h"
#include "store/database.h"

namespace icrm::store {

struct WebhookEndpoint {
  int64_t id = 0;
  std::string url;
  std::string secret;               // never listed by the API; shown once on create
  std::vector<std::string> topics;  // subscribed topics
  std::string description;
  bool active = true;
  std::optional<int64_t> created_by;
  Timestamp created_at{};
  Timestamp updated_at{};
};

enum class DeliveryStatus { kPending, kDelivered, kFailed };
std::string_view delivery_status_name(DeliveryStatus s);

// A message for the outbox (enqueue_many).
struct OutboxMessage {
  std::string topic;
  std::string event_id;
  std::string body;
};

struct WebhookDelivery {
  int64_t id = 0;
  int64_t endpoint_id = 0;
  std::string topic;
  std::string event_id;
  std::string body;
  int attempts = 0;
  DeliveryStatus status = DeliveryStatus::kPending;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  Timestamp next_attempt_at{};
  Timestamp created_at{};
  std::optional<Timestamp> delivered_at;
  std::optional<int64_t> latency_ms;
};

// One attempt's outcome. `next_attempt_at` set: still pending, retry then;
// unset with `delivered` false: given up (failed).
struct DeliveryAttempt {
  bool delivered = false;
  std::optional<int> status_code;
  std::optional<std::string> error;
  int64_t latency_ms = 0;
  Timestamp at{};
  std::optional<Timestamp> next_attempt_at;
};

class WebhookStore {
 public:
  explicit WebhookStore(Database& db) : db_(db) {}

  // Endpoints. The caller validates url/topics (src/notify/webhook_limits.h).
  Result<WebhookEndpoint> create_endpoint(const Actor& actor, WebhookEndpoint endpoint);
  Result<WebhookEndpoint> get_endpoint(int64_t id);
  Result<std::vector<WebhookEndpoint>> list_endpoints();
  Result<int64_t> count_endpoints();
  // Stores url, topics, description, active and updated_at of `endpoint` (by id).
  Result<WebhookEndpoint> update_endpoint(const Actor& actor, const WebhookEndpoint& endpoint);
  // Replaces the endpoint's signing secret (a leaked one); deliveries still
  // pending are signed with the new one.
  Result<WebhookEndpoint> replace_secret(const Actor& actor, int64_t id, const std::string& secret,
                                         Timestamp at);
  // Removes the endpoint and its deliveries.
  Status remove_endpoint(const Actor& actor, int64_t id, Timestamp at);

  // Outbox. One pending row per active endpoint subscribed to `topic`, due
  // at `now`; returns how many rows were written.
  Result<int64_t> enqueue(const std::string& topic, const std::string& event_id,
                          const std::string& body, Timestamp now);
  // enqueue() for every message, in one transaction; returns the rows written.
  Result<int64_t> enqueue_many(const std::vector<OutboxMessage>& messages, Timestamp now);
  // One pending row for this endpoint whatever its topics (a test ping).
  Result<WebhookDelivery> enqueue_for(int64_t endpoint_id, const std::string& topic,
                                      const std::string& event_id, const std::string& body,
                                      Timestamp now);
  // Pending rows due at `now`, soonest first, at most `limit`.
  Result<std::vector<WebhookDelivery>> due(Timestamp now, size_t limit);
  // Takes a due row for one attempt: moves its next_attempt_at to `lease_until`
  // unless another worker (another instance on the same database) took it
  // first. False when it was taken. A worker that dies mid-attempt leaves the
  // row due again at `lease_until`.
  Result<bool> claim(int64_t delivery_id, Timestamp now, Timestamp lease_until);
  // due() and claim() in one transaction: up to `limit` due rows, each taken
  // (next_attempt_at moved to `lease_until`) unless another worker took it
  // first; returns the rows taken, soonest first.
  Result<std::vector<WebhookDelivery>> claim_due(Timestamp now, Timestamp lease_until,
                                                 size_t limit);
  Status record_attempt(int64_t delivery_id, const DeliveryAttempt& attempt);
  // record_attempt() for every (delivery id, attempt), in one transaction.
  Status record_attempts(const std::vector<std::pair<int64_t, DeliveryAttempt>>& attempts);
  // Gives claimed rows back unattempted: due again at `at`, attempts unchanged.
  Status release(const std::vector<int64_t>& delivery_ids, Timestamp at);
  Result<WebhookDelivery> get_delivery(int64_t id);
  // An endpoint's deliveries, newest first, ids below `before_id` (0: from the newest).
  Result<std::vector<WebhookDelivery>> list_deliveries(int64_t endpoint_id, int64_t before_id,
                                                       size_t limit);

 private:
  Database& db_;
};

}  // namespace icrm::store
