#include "ingest/event_appender.h"

#include <utility>

namespace icrm::ingest {

EventAppender::EventAppender(store::EventStore& store)
    : store_(store), writer_([this] { run(); }) {}

EventAppender::~EventAppender() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

std::future<Result<store::AppendResult>> EventAppender::submit(
    std::vector<store::LoggedEvent> batch) {
  Pending p;
  auto future = p.done.get_future();
  if (batch.empty()) {
    p.done.set_value(store::AppendResult{});
    return future;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      p.done.set_value(Error::unavailable("the event log is shutting down"));
      return future;
    }
    if (queued_events_ + batch.size() > kMaxQueuedEvents) {
      p.done.set_value(Error::rate_limited("the event log is behind: " +
                                           std::to_string(queued_events_) +
                                           " events waiting; retry shortly"));
      return future;
    }
    queued_events_ += batch.size();
    p.events = std::move(batch);
    queue_.push_back(std::move(p));
  }
  wake_.notify_one();
  return future;
}

AppenderStats EventAppender::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void EventAppender::run() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      // Take every batch waiting now (the group), up to the per-commit bound;
      // a single batch larger than the bound still goes in whole.
      size_t events = 0;
      while (!queue_.empty() &&
             (group.empty() || events + queue_.front().events.size() <= kMaxEventsPerCommit)) {
        events += queue_.front().events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ -= events;
    }
    write(group);
    group.clear();
  }
}

void EventAppender::write(std::vector<Pending>& group) {
  std::vector<store::LoggedEvent> all;
  for (Pending& p : group) {
    for (store::LoggedEvent& e : p.events) all.push_back(std::move(e));
  }
  Result<store::AppendResult> written = store_.append(all);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (written) {
      ++stats_.commits;
      stats_.batches += static_cast<int64_t>(group.size());
      stats_.events_stored += written->stored_count;
      stats_.duplicates += static_cast<int64_t>(all.size()) - written->stored_count;
    }
  }
  size_t at = 0;
  for (Pending& p : group) {
    size_t n = p.events.size();
    if (!written) {
      p.done.set_value(written.error());
    } else {
      store::AppendResult mine;
      mine.stored.assign(written->stored.begin() + static_cast<std::ptrdiff_t>(at),
                         written->stored.begin() + static_cast<std::ptrdiff_t>(at + n));
      for (bool b : mine.stored) mine.stored_count += b ? 1 : 0;
      p.done.set_value(std::move(mine));
    }
    at += n;
  }
}

}  // namespace icrm::ingest
