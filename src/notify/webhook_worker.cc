#include "notify/webhook_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "notify/signature.h"
#include "notify/webhook_limits.h"
#include "notify/webhook_message.h"

namespace icrm::notify {

WebhookWorker::WebhookWorker(store::Database& db, HttpPoster& poster, const Clock& clock,
                             WebhookWorkerOptions options)
    : db_(db), store_(db), poster_(poster), clock_(clock), options_(options), rng_(options.seed) {}

WebhookWorker::~WebhookWorker() {
  if (bus_ != nullptr) bus_->unsubscribe(token_);
  stop();
}

void WebhookWorker::subscribe(EventBus& bus) {
  bus_ = &bus;
  token_ = bus.subscribe([this](const BusMessage& m) { offer(m); });
}

void WebhookWorker::offer(const BusMessage& message) {
  if (!is_webhook_topic(message.topic)) return;
  if (message.data.size() > kMaxWebhookDataBytes) {
    ++dropped_;
    spdlog::warn("webhooks: {} message of {} bytes not forwarded (limit {})", message.topic,
                 message.data.size(), kMaxWebhookDataBytes);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueuedWebhookMessages) {
      ++dropped_;
      spdlog::warn("webhooks: queue full ({} messages); {} message dropped",
                   kMaxQueuedWebhookMessages, message.topic);
      return;
    }
    queue_.push_back(message);
  }
  thread_.wake();
}

Status WebhookWorker::flush_queue() {
  std::deque<BusMessage> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(queue_);
  }
  if (taken.empty()) return {};
  Timestamp now = clock_.now();
  std::vector<store::OutboxMessage> messages;
  messages.reserve(taken.size());
  for (const BusMessage& m : taken) {
    std::string id = make_event_id(now, ++sequence_);
    auto body = make_webhook_body(m.topic, id, m.data, now);
    if (!body) {
      ++dropped_;
      spdlog::warn("webhooks: {} message dropped: {}", m.topic, body.error().message);
      continue;
    }
    messages.push_back({m.topic, std::move(id), std::move(*body)});
  }
  // All of them in one transaction: one commit however many were queued.
  auto written = store_.enqueue_many(messages, now);
  if (!written) {
    // The database is away: keep them for the next step, ahead of newer messages.
    std::lock_guard lock(mutex_);
    queue_.insert(queue_.begin(), taken.begin(), taken.end());
    return written.error();
  }
  queued_ += static_cast<uint64_t>(*written);
  return {};
}

store::DeliveryAttempt WebhookWorker::send(const store::WebhookDelivery& d,
                                           const store::WebhookEndpoint& endpoint) {
  Timestamp now = clock_.now();
  int64_t unix_seconds = to_unix_micros(now) / 1'000'000;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {std::string(kSignatureHeader), sign_webhook(endpoint.secret, unix_seconds, d.body)},
      {std::string(kEventHeader), d.event_id},
      {std::string(kDeliveryHeader), std::to_string(d.id)},
  };
  PostResult r = poster_.post(endpoint.url, headers, d.body);
  ++attempts_;

  store::DeliveryAttempt a;
  a.at = clock_.now();
  a.status_code = r.status_code;
  a.latency_ms = r.latency.count();
  a.delivered = r.ok();
  int attempts = d.attempts + 1;
  // The delivery log (which the API shows) gets the poster's error class;
  // the transport's own words stay in this server's log.
  std::string why;
  if (!a.delivered) {
    a.error = !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status_code.value_or(0));
    why = r.detail.empty() ? *a.error : *a.error + ": " + r.detail;
    if (auto wait = options_.backoff.delay_after(attempts, rng_)) a.next_attempt_at = a.at + *wait;
  }
  if (a.delivered) {
    ++delivered_;
    spdlog::info(
        "webhooks: delivery {} ({} {}) to endpoint {} delivered on attempt {}: HTTP {} in {} ms",
        d.id, d.topic, d.event_id, d.endpoint_id, attempts, *r.status_code, a.latency_ms);
  } else if (a.next_attempt_at) {
    spdlog::warn("webhooks: delivery {} to endpoint {} attempt {} failed ({}); next at {}", d.id,
                 d.endpoint_id, attempts, why, format_timestamp(*a.next_attempt_at));
  } else {
    ++failed_;
    spdlog::error("webhooks: delivery {} to endpoint {} failed for good after {} attempts ({})",
                  d.id, d.endpoint_id, attempts, why);
  }
  return a;
}

Result<size_t> WebhookWorker::step() {
  if (auto s = flush_queue(); !s) return s.error();
  const Timestamp claimed_at = clock_.now();
  // One transaction claims the batch, one records its outcomes: two commits
  // per batch instead of two per delivery. A crash in between leaves the
  // claimed rows due again when their lease ends (at least once).
  auto claimed = store_.claim_due(claimed_at, claimed_at + options_.claim_lease, options_.batch);
  if (!claimed) return claimed.error();
  if (claimed->empty()) return size_t{0};
  auto endpoints = store_.list_endpoints();
  if (!endpoints) return endpoints.error();
  // Posting stops at half the lease so that no claimed row's lease runs out
  // while it waits its turn (another instance would send it too); those
  // left are given back due at once.
  const Timestamp stop_at = claimed_at + options_.claim_lease / 2;
  std::vector<std::pair<int64_t, store::DeliveryAttempt>> outcomes;
  std::vector<int64_t> unsent;
  for (const auto& d : *claimed) {
    auto endpoint =
        std::find_if(endpoints->begin(), endpoints->end(),
                     [&](const store::WebhookEndpoint& e) { return e.id == d.endpoint_id; });
    if (endpoint == endpoints->end()) continue;  // removed since: its deliveries went with it
    if (clock_.now() >= stop_at) {
      unsent.push_back(d.id);
      continue;
    }
    outcomes.emplace_back(d.id, send(d, *endpoint));
  }
  if (auto s = store_.record_attempts(outcomes); !s) return s.error();
  if (auto s = store_.release(unsent, clock_.now()); !s) return s.error();
  return outcomes.size();
}

void WebhookWorker::start() {
  thread_.start(options_.poll_interval, [this] {
    if (auto made = step(); !made) spdlog::error("webhooks: {}", made.error().message);
  });
}

void WebhookWorker::stop() { thread_.stop(); }

WebhookWorkerStats WebhookWorker::stats() const {
  return {queued_.load(), attempts_.load(), delivered_.load(), failed_.load(), dropped_.load()};
}

}  // namespace icrm::notify
