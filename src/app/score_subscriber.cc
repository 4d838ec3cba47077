#include "app/score_subscriber.h"

#include <boost/json/parse.hpp>

namespace icrm::app {

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
    : bus_(bus), service_(service), leads_([this](int64_t& lead) { handle(lead); }, max_queue) {
  token_ = bus_.subscribe([this](const BusMessage& m) { on_message(m); });
}

ScoreSubscriber::~ScoreSubscriber() {
  bus_.unsubscribe(token_);
  (void)leads_.stop();  // the rest are dropped: the next re-score brings a lead back
}

void ScoreSubscriber::on_message(const BusMessage& m) {
  if (m.topic != "score") return;
  auto lead = parse_score_message(m.data);
  if (lead && leads_.push(*lead)) return;
  std::lock_guard lock(mutex_);
  if (!lead) {
    ++counters_.malformed;
  } else {
    ++counters_.dropped;
  }
}

void ScoreSubscriber::handle(int64_t lead) {
  auto r = service_.decide(lead, decide::DecisionTrigger::kScoreEvent);
  std::lock_guard lock(mutex_);
  if (r) {
    ++counters_.decided;
  } else if (r.error().code == ErrorCode::kConflict) {
    ++counters_.skipped;
  } else {
    ++counters_.failed;
  }
}

void ScoreSubscriber::wait_idle() { leads_.wait_idle(); }

ScoreSubscriber::Counters ScoreSubscriber::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace icrm::app
