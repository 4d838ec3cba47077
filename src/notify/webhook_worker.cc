#include "notify/webhook_worker.h"

#include <spdlog/spdlog.h>

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
    wake_ = true;
  }
  cv_.notify_one();
}

Status WebhookWorker::flush_queue() {
  std::deque<BusMessage> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(queue_);
  }
  Timestamp now = clock_.now();
  while (!taken.empty()) {
    const BusMessage& m = taken.front();
    std::string id = make_event_id(now, ++sequence_);
    auto body = make_webhook_body(m.topic, id, m.data, now);
    if (!body) {
      ++dropped_;
      spdlog::warn("webhooks: {} message dropped: {}", m.topic, body.error().message);
      taken.pop_front();
      continue;
    }
    auto written = store_.enqueue(m.topic, id, *body, now);
    if (!written) {
      // The database is away: keep what is left for the next step, ahead of newer messages.
      std::lock_guard lock(mutex_);
      queue_.insert(queue_.begin(), taken.begin(), taken.end());
      return written.error();
    }
    queued_ += static_cast<uint64_t>(*written);
    taken.pop_front();
  }
  return {};
}

Status WebhookWorker::attempt(const store::WebhookDelivery& d) {
  Timestamp now = clock_.now();
  auto claimed = store_.claim(d.id, now, now + options_.claim_lease);
  if (!claimed) return claimed.error();
  if (!*claimed) return {};  // another instance took it
  auto endpoint = store_.get_endpoint(d.endpoint_id);
  if (!endpoint) return endpoint.error();

  int64_t unix_seconds = to_unix_micros(now) / 1'000'000;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {std::string(kSignatureHeader), sign_webhook(endpoint->secret, unix_seconds, d.body)},
      {std::string(kEventHeader), d.event_id},
      {std::string(kDeliveryHeader), std::to_string(d.id)},
  };
  PostResult r = poster_.post(endpoint->url, headers, d.body);
  ++attempts_;

  store::DeliveryAttempt a;
  a.at = clock_.now();
  a.status_code = r.status_code;
  a.latency_ms = r.latency.count();
  a.delivered = r.ok();
  int attempts = d.attempts + 1;
  if (!a.delivered) {
    a.error = !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status_code.value_or(0));
    if (auto wait = options_.backoff.delay_after(attempts, rng_)) a.next_attempt_at = a.at + *wait;
  }
  if (a.delivered) {
    ++delivered_;
    spdlog::info("webhooks: delivery {} ({} {}) to endpoint {} delivered on attempt {}: HTTP {} in {} ms",
                 d.id, d.topic, d.event_id, d.endpoint_id, attempts, *r.status_code, a.latency_ms);
  } else if (a.next_attempt_at) {
    spdlog::warn("webhooks: delivery {} to endpoint {} attempt {} failed ({}); next at {}", d.id,
                 d.endpoint_id, attempts, *a.error, format_timestamp(*a.next_attempt_at));
  } else {
    ++failed_;
    spdlog::error("webhooks: delivery {} to endpoint {} failed for good after {} attempts ({})",
                  d.id, d.endpoint_id, attempts, *a.error);
  }
  return store_.record_attempt(d.id, a);
}

Result<size_t> WebhookWorker::step() {
  if (auto s = flush_queue(); !s) return s.error();
  auto due = store_.due(clock_.now(), options_.batch);
  if (!due) return due.error();
  size_t made = 0;
  for (const auto& d : *due) {
    uint64_t before = attempts_.load();
    if (auto s = attempt(d); !s) return s.error();
    made += static_cast<size_t>(attempts_.load() - before);
  }
  return made;
}

void WebhookWorker::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_ = false;
      lock.unlock();
      if (auto made = step(); !made) spdlog::error("webhooks: {}", made.error().message);
      lock.lock();
      cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || wake_; });
    }
  });
}

void WebhookWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

WebhookWorkerStats WebhookWorker::stats() const {
  return {queued_.load(), attempts_.load(), delivered_.load(), failed_.load(), dropped_.load()};
}

}  // namespace icrm::notify
