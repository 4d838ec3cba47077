#include "app/stream_worker.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "store/alert_store.h"
#include "stream/alert_format.h"

namespace icrm::app {
namespace {

int64_t unix_second(Timestamp t) { return stream::floor_div(to_unix_micros(t), 1'000'000); }

}  // namespace

StreamWorker::StreamWorker(stream::StreamState state, TypeCounts log_counts,
                           stream::StreamMonitor monitor, StreamWorkerOptions options,
                           store::Database& db, const Clock& clock, EventBus& bus,
                           const ingest::EventTypeCatalog& catalog)
    : options_(options),
      db_(db),
      clock_(clock),
      bus_(bus),
      catalog_(catalog),
      state_(std::move(state)),
      monitor_(std::move(monitor)),
      log_counts_(log_counts),
      thread_([this] { run(); }) {}

StreamWorker::~StreamWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StreamWorker::committed(std::vector<ingest::Event> events) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(events));
  }
  wake_.notify_one();
}

stream::Admission StreamWorker::admission() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
  return state_.admission();
}

void StreamWorker::flush() {
  std::unique_lock lock(mutex_);
  uint64_t ticket = ++flush_requests_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return flushes_done_ >= ticket || stopping_; });
}

void StreamWorker::read_state(const std::function<void(const stream::StreamState&)>& fn) const {
  std::lock_guard lock(mutex_);
  fn(state_);
}

StreamStats StreamWorker::stats() const {
  auto types = catalog_.snapshot();
  Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  StreamStats s;
  const stream::StreamCounters& c = state_.counters();
  s.applied = c.applied;
  s.too_late = c.too_late;
  s.duplicates = c.duplicates;
  for (size_t id = 0; id < log_counts_.size(); ++id) {
    if (log_counts_[id] == 0) continue;
    s.total += log_counts_[id];
    std::string name = id < types->size()
                           ? std::string(types->name(static_cast<ingest::EventTypeId>(id)))
                           : "#" + std::to_string(id);
    s.by_type.emplace_back(std::move(name), log_counts_[id]);
  }
  int64_t second = unix_second(now);
  for (const auto& [at, count] : per_second_) {
    if (at > second - 60 && at <= second) s.last_minute += count;
  }
  s.entities = static_cast<int64_t>(state_.entity_count());
  s.alerts = alerts_;
  s.alerts_suppressed = alerts_suppressed_;
  s.watermark_us = state_.watermark_us() == stream::kNoBucket ? 0 : state_.watermark_us();
  s.queued_groups = static_cast<int64_t>(queue_.size());
  return s;
}

void StreamWorker::run() {
  auto next_tick = std::chrono::steady_clock::now() + options_.summary_interval;
  std::vector<ingest::Event> group;
  for (;;) {
    uint64_t flush_ticket = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick, [this] {
        return stopping_ || !queue_.empty() || flush_requests_ > flushes_done_;
      });
      if (stopping_ && queue_.empty()) {
        drained_.notify_all();
        return;
      }
      if (!queue_.empty()) {
        group = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
      } else if (flush_requests_ > flushes_done_) {
        flush_ticket = flush_requests_;  // answered once the queue is empty
      }
    }
    if (!group.empty()) {
      apply(group, clock_.now());
      group.clear();
      std::lock_guard lock(mutex_);
      busy_ = false;
      if (queue_.empty()) drained_.notify_all();
    }
    // Ticks keep their pace under load too: checked after every group.
    bool due = std::chrono::steady_clock::now() >= next_tick;
    if (due) next_tick = std::chrono::steady_clock::now() + options_.summary_interval;
    if (due || flush_ticket != 0) tick(clock_.now());
    if (flush_ticket != 0) {
      if (options_.observer) options_.observer->drain();
      std::lock_guard lock(mutex_);
      flushes_done_ = flush_ticket;
      drained_.notify_all();
    }
  }
}

void StreamWorker::apply(std::vector<ingest::Event>& events, Timestamp now) {
  found_.clear();
  {
    std::lock_guard lock(mutex_);
    for (const ingest::Event& e : events) {
      // Every stored event is in the log, applied or not: the log's counts.
      ++log_counts_[e.type];
      ++since_summary_by_type_[e.type];
      state_.apply(e, &found_);
    }
    if (options_.observer) options_.observer->applied(events, state_, *catalog_.snapshot(), now);
    int64_t second = unix_second(now);
    auto& slot = per_second_[static_cast<size_t>(second % 60)];
    if (slot.first != second) slot = {second, 0};
    slot.second += static_cast<int64_t>(events.size());
  }
  // The monitor counts arrivals on the clock; it is the worker's alone.
  for (size_t i = 0; i < events.size(); ++i) monitor_.record(now, found_);
  events_since_summary_ += static_cast<int64_t>(events.size());
  // The scorer first: storing the group's anomaly alerts (a flushed commit
  // each) must not hold its re-scoring back.
  if (options_.observer) options_.observer->settle(now);
  if (!found_.empty()) raise(found_, now);
}

void StreamWorker::tick(Timestamp now) {
  found_.clear();
  monitor_.tick(now, found_);
  if (!found_.empty()) raise(found_, now);
  StreamStats s = stats();
  // This interval's events by type name; events_per_second scales them to
  // the interval's length (one second by default).
  auto types = catalog_.snapshot();
  boost::json::object by_type;
  for (size_t id = 0; id < since_summary_by_type_.size(); ++id) {
    if (since_summary_by_type_[id] == 0) continue;
    std::string name = id < types->size()
                           ? std::string(types->name(static_cast<ingest::EventTypeId>(id)))
                           : "#" + std::to_string(id);
    by_type[name] = since_summary_by_type_[id];
  }
  since_summary_by_type_.fill(0);
  double seconds = std::chrono::duration<double>(options_.summary_interval).count();
  boost::json::object summary{{"at", format_timestamp(now)},
                              {"events", events_since_summary_},
                              {"events_per_second", double(events_since_summary_) / seconds},
                              {"by_type", std::move(by_type)},
                              {"new_alerts", s.alerts - alerts_at_last_summary_},
                              {"total", s.total},
                              {"last_minute", s.last_minute},
                              {"entities", s.entities},
                              {"alerts", s.alerts},
                              {"queued_groups", s.queued_groups}};
  summary["watermark"] =
      s.watermark_us == 0 ? boost::json::value(nullptr)
                          : boost::json::value(format_timestamp(from_unix_micros(s.watermark_us)));
  events_since_summary_ = 0;
  alerts_at_last_summary_ = s.alerts;
  bus_.publish({"summary", boost::json::serialize(summary)});
}

void StreamWorker::raise(const std::vector<stream::Anomaly>& found, Timestamp now) {
  auto types = catalog_.snapshot();
  store::AlertStore alerts(db_);
  for (const stream::Anomaly& a : found) {
    int64_t second = unix_second(now);
    if (second != alert_second_) {
      alert_second_ = second;
      alerts_this_second_ = 0;
    }
    if (alerts_this_second_ >= options_.max_alerts_per_second) {
      std::lock_guard lock(mutex_);
      ++alerts_suppressed_;
      continue;
    }
    ++alerts_this_second_;
    bool whole_stream = a.entity.empty();
    std::string_view type_name =
        a.type && *a.type < types->size() ? types->name(*a.type) : std::string_view();
    double gamma = whole_stream ? options_.monitor.gamma : state_.config().gamma();
    std::chrono::microseconds bucket =
        whole_stream ? options_.monitor.bucket
                     : std::chrono::microseconds(state_.config().rate_bucket_us());
    auto stored = alerts.add(stream::alert_from_anomaly(a, type_name, gamma, bucket, now));
    if (!stored) {
      spdlog::warn("cannot store an alert: {}", stored.error().to_string());
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      ++alerts_;
    }
    bus_.publish({"alert", boost::json::serialize(stream::alert_to_json(*stored))});
  }
}

}  // namespace icrm::app
