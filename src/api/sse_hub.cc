#include "api/sse_hub.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace icrm::api {
namespace {

using Frame = std::shared_ptr<const std::string>;

constexpr std::string_view kHeartbeat = ": heartbeat\n\n";
constexpr std::string_view kDropped =
    ": dropped: this client read too slowly; reconnect with Last-Event-ID\n\n";
constexpr std::string_view kSignedOut =
    ": closed: the credentials of this stream changed; reconnect to continue\n\n";
constexpr std::string_view kMissed =
    ": some frames after Last-Event-ID are no longer kept; the oldest kept follow\n\n";

bool names_a_record(const boost::json::object& o) {
  for (std::string_view key : {"lead_id", "customer_id"})
    if (const auto* v = o.if_contains(key); v && !v->is_null()) return true;
  const auto* entity = o.if_contains("entity");
  return entity && entity->is_string() && !entity->as_string().empty();
}

}  // namespace

SseAudience sse_audience(const BusMessage& message) {
  using Kind = SseAudience::Kind;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(message.data, ec);
  if (ec || !v.is_object()) return {Kind::kUnknownOwner};
  const boost::json::object& o = v.as_object();
  if (const auto* owner = o.if_contains("owner_id")) {
    if (owner->is_null()) return {Kind::kOwner, 0};
    if (owner->is_int64() && owner->as_int64() > 0) return {Kind::kOwner, owner->as_int64()};
    return {Kind::kUnknownOwner};
  }
  return {names_a_record(o) ? Kind::kUnknownOwner : Kind::kEveryone};
}

bool SseViewer::sees(const SseAudience& a) const {
  switch (a.kind) {
    case SseAudience::Kind::kEveryone:
      return true;
    case SseAudience::Kind::kUnknownOwner:
      return scope == auth::ListScope::kAll;
    case SseAudience::Kind::kOwner:
      return auth::in_list_scope(scope, auth::ownership_of(a.owner_id, user_id));
  }
  return false;
}

std::string sse_frame(uint64_t id, const BusMessage& message) {
  std::string out = "id: " + std::to_string(id) + "\nevent: " + message.topic + "\n";
  std::string_view data = message.data;
  for (;;) {
    auto nl = data.find('\n');
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

Result<uint64_t> parse_last_event_id(std::string_view text) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || text.size() > 20 || ec != std::errc() || end != text.data() + text.size())
    return Error::invalid("Last-Event-ID must be the decimal id of an event of this stream",
                          "Last-Event-ID");
  return id;
}

class SseClient;

struct SseHub::Core {
  explicit Core(SseOptions o, uint64_t first) : options(o), next_id(first) {}

  void publish(const BusMessage& message);
  void remove(const SseClient* client);
  void broadcast_heartbeat();
  // Offers `frame` to every client whose viewer sees `audience`, dropping
  // the ones whose queue is full.
  void offer(const Frame& frame, const SseAudience& audience);  // REQUIRES: mutex held

  struct Kept {
    uint64_t id;
    Frame frame;
    SseAudience audience;
  };

  const SseOptions options;
  mutable std::mutex mutex;
  std::deque<Kept> ring;  // GUARDED_BY(mutex)
  // Connections own their streams; a stream dropped without being opened
  // (a test calling the router without a socket) just expires here.
  std::vector<std::weak_ptr<SseClient>> clients;  // GUARDED_BY(mutex)
  uint64_t next_id;                               // GUARDED_BY(mutex)
  SseStats stats;                                 // GUARDED_BY(mutex), clients aside
  // The heartbeat thread's stop signal.
  std::condition_variable stop_cv;
  bool stopping = false;  // GUARDED_BY(mutex)
  std::thread heartbeat_thread;
};

// One connected client: its bounded queue of frames. The lock order is the
// hub's core, then a client.
class SseClient final : public ResponseStream {
 public:
  SseClient(std::weak_ptr<SseHub::Core> core, std::size_t capacity, SseViewer viewer,
            std::string preamble)
      : viewer(viewer),
        core_(std::move(core)),
        capacity_(capacity),
        preamble_(std::move(preamble)) {}

  const SseViewer viewer;

  void open(std::function<void()> wake) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    wake_ = std::move(wake);
    wake_();  // the preamble is waiting
  }

  bool take(std::string& out) override {
    std::lock_guard lock(mutex_);
    out += preamble_;
    preamble_.clear();
    for (const Frame& f : queue_) out += *f;
    queue_.clear();
    return !ended_;
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = ended_ = true;
      wake_ = nullptr;
      queue_.clear();
    }
    if (auto core = core_.lock()) core->remove(this);
  }

  // false when the queue is full (the hub then drops this client).
  bool push(const Frame& frame) {
    std::lock_guard lock(mutex_);
    if (ended_) return true;
    if (queue_.size() >= capacity_) return false;
    queue_.push_back(frame);
    if (queue_.size() == 1 && wake_) wake_();
    return true;
  }

  // No frame after this one; the server writes what is queued and closes.
  void end(std::string_view last) {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = true;
    if (!last.empty()) queue_.push_back(std::make_shared<const std::string>(last));
    if (wake_) wake_();
  }

 private:
  const std::weak_ptr<SseHub::Core> core_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::string preamble_;        // GUARDED_BY(mutex_): replayed frames, sent first
  std::deque<Frame> queue_;     // GUARDED_BY(mutex_)
  std::function<void()> wake_;  // GUARDED_BY(mutex_)
  bool ended_ = false;          // GUARDED_BY(mutex_)
  bool closed_ = false;         // GUARDED_BY(mutex_)
};

void SseHub::Core::publish(const BusMessage& message) {
  const SseAudience audience = sse_audience(message);  // outside the lock
  std::lock_guard lock(mutex);
  uint64_t id = next_id++;
  auto frame = std::make_shared<const std::string>(sse_frame(id, message));
  ring.push_back({id, frame, audience});
  while (ring.size() > options.ring_size) ring.pop_front();
  ++stats.published;
  stats.last_id = id;
  offer(frame, audience);
}

void SseHub::Core::offer(const Frame& frame, const SseAudience& audience) {
  std::erase_if(clients, [&](const std::weak_ptr<SseClient>& weak) {
    auto c = weak.lock();
    if (!c) return true;
    if (!c->viewer.sees(audience)) {
      ++stats.withheld;
      return false;
    }
    if (c->push(frame)) return false;
    c->end(kDropped);
    ++stats.dropped;
    return true;
  });
}

void SseHub::Core::broadcast_heartbeat() {
  static const Frame beat = std::make_shared<const std::string>(kHeartbeat);
  std::lock_guard lock(mutex);
  offer(beat, SseAudience{});
}

void SseHub::Core::remove(const SseClient* client) {
  std::lock_guard lock(mutex);
  std::erase_if(clients, [&](const std::weak_ptr<SseClient>& weak) {
    auto c = weak.lock();
    return !c || c.get() == client;
  });
}

SseHub::SseHub(EventBus& bus, const Clock& clock, SseOptions options)
    : core_(std::make_shared<Core>(
          options, static_cast<uint64_t>(std::max<int64_t>(1, to_unix_micros(clock.now()))))),
      bus_(bus) {
  Core* core = core_.get();
  subscription_ = bus_.subscribe([core](const BusMessage& m) { core->publish(m); });
  core_->heartbeat_thread = std::thread([core] {
    std::unique_lock lock(core->mutex);
    while (!core->stopping) {
      if (core->stop_cv.wait_for(lock, core->options.heartbeat, [core] { return core->stopping; }))
        break;
      lock.unlock();
      core->broadcast_heartbeat();
      lock.lock();
    }
  });
}

SseHub::~SseHub() {
  bus_.unsubscribe(subscription_);
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
  }
  core_->stop_cv.notify_all();
  core_->heartbeat_thread.join();
  close_all();
}

Result<std::shared_ptr<ResponseStream>> SseHub::connect(std::optional<uint64_t> last_event_id,
                                                        SseViewer viewer) {
  std::lock_guard lock(core_->mutex);
  std::erase_if(core_->clients, [](const auto& weak) { return weak.expired(); });
  if (core_->clients.size() >= core_->options.max_clients) {
    ++core_->stats.refused;
    return Error::unavailable("the live stream already has " +
                              std::to_string(core_->options.max_clients) +
                              " clients, its limit; try again later");
  }
  std::string preamble = "retry: " + std::to_string(kSseRetry.count()) + "\n: connected\n\n";
  if (last_event_id && !core_->ring.empty()) {
    const auto& ring = core_->ring;
    if (*last_event_id + 1 < ring.front().id) preamble += kMissed;
    for (const Core::Kept& k : ring)
      if (k.id > *last_event_id && viewer.sees(k.audience)) preamble += *k.frame;
  }
  auto client =
      std::make_shared<SseClient>(core_, core_->options.client_queue, viewer, std::move(preamble));
  core_->clients.push_back(client);
  ++core_->stats.connected;
  return std::shared_ptr<ResponseStream>(std::move(client));
}

void SseHub::heartbeat() { core_->broadcast_heartbeat(); }

void SseHub::close_all() {
  std::vector<std::weak_ptr<SseClient>> all;
  {
    std::lock_guard lock(core_->mutex);
    all.swap(core_->clients);
  }
  for (auto& weak : all)
    if (auto c = weak.lock()) c->end({});
}

std::size_t SseHub::close_user(int64_t user_id) {
  std::vector<std::shared_ptr<SseClient>> theirs;
  {
    std::lock_guard lock(core_->mutex);
    std::erase_if(core_->clients, [&](const std::weak_ptr<SseClient>& weak) {
      auto c = weak.lock();
      if (!c) return true;
      if (c->viewer.user_id != user_id) return false;
      theirs.push_back(std::move(c));
      return true;
    });
  }
  for (auto& c : theirs) c->end(kSignedOut);
  return theirs.size();
}

SseStats SseHub::stats() const {
  std::lock_guard lock(core_->mutex);
  SseStats s = core_->stats;
  s.clients = static_cast<std::size_t>(std::count_if(core_->clients.begin(), core_->clients.end(),
                                                     [](const auto& w) { return !w.expired(); }));
  return s;
}

const SseOptions& SseHub::options() const { return core_->options; }

}  // namespace icrm::api
