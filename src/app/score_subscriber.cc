#include "app/score_subscriber.h"

#include <boost/json/parse.hpp>

namespace icrm::decide {

std::optional<int64_t> parse_score_message(std::string_view data) {
  boost::system::error_code ec;
  auto v = boost::json::parse(data, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* lead = o.if_contains("lead_id");
  const auto* tier = o.if_contains("tier");
  if (!lead || !tier || !tier->is_string()) return std::nullopt;
  std::string_view t = tier->as_string();
  if (t != "hot" && t != "warm" && t != "cold") return std::nullopt;
  if (lead->is_int64() && lead->as_int64() > 0) return lead->as_int64();
  if (lead->is_uint64() && lead->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(lead->as_uint64());
  }
  return std::nullopt;
}

ScoreSubscriber::ScoreSubscriber(EventBus& bus, DecisionService& service, size_t max_queue)
    : bus_(bus), service_(service), max_queue_(max_queue) {
  worker_ = std::thread([this] { run(); });
  token_ = bus_.subscribe([this](const BusMessage& m) { on_message(m); });
}

ScoreSubscriber::~ScoreSubscriber() {
  bus_.unsubscribe(token_);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void ScoreSubscriber::on_message(const BusMessage& m) {
  if (m.topic != "score") return;
  auto lead = parse_score_message(m.data);
  {
    std::lock_guard lock(mutex_);
    if (!lead) {
      ++counters_.malformed;
      return;
    }
    if (queue_.size() >= max_queue_) {
      ++counters_.dropped;
      return;
    }
    queue_.push_back(*lead);
  }
  wake_.notify_one();
}

void ScoreSubscriber::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    int64_t lead = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    auto r = service_.decide(lead, DecisionTrigger::kScoreEvent);
    lock.lock();
    busy_ = false;
    if (r) {
      ++counters_.decided;
    } else if (r.error().code == ErrorCode::kConflict) {
      ++counters_.skipped;
    } else {
      ++counters_.failed;
    }
    if (queue_.empty()) idle_.notify_all();
  }
}

void ScoreSubscriber::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return stop_ || (queue_.empty() && !busy_); });
}

ScoreSubscriber::Counters ScoreSubscriber::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace icrm::decide
