// EventAppender: the durable append path of the event log with group commit.
// Any thread submits a batch and gets a future; one writer thread takes every
// batch waiting at that moment and stores them all in one transaction (one
// fsync on SQLite), then answers each future. A future that holds a success
// means its events are durable (or were already stored: duplicates), which is
// what "acknowledged" means for the HTTP 202 and for committing a Kafka offset.
//
// Thread-safety: submit() from any thread; the writer is internal. The
// destructor stops accepting, writes what is queued, and joins the writer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/event_store.h"

namespace icrm::ingest {

// Events queued and not yet written, across all submitters; past it submit()
// refuses (the caller answers 429/503 instead of buffering without bound).
inline constexpr size_t kMaxQueuedEvents = 200000;
// At most this many events per transaction; a bigger queue takes several.
inline constexpr size_t kMaxEventsPerCommit = 50000;

struct AppenderStats {
  int64_t commits = 0;
  int64_t batches = 0;
  int64_t events_stored = 0;
  int64_t duplicates = 0;
};

class EventAppender {
 public:
  explicit EventAppender(store::EventStore& store);
  ~EventAppender();
  EventAppender(const EventAppender&) = delete;
  EventAppender& operator=(const EventAppender&) = delete;

  // Queues one batch. The future gives the batch's AppendResult once it is
  // durable, or the Error that stopped its transaction. An empty batch, or
  // one that would exceed kMaxQueuedEvents, is answered at once.
  std::future<Result<store::AppendResult>> submit(std::vector<store::LoggedEvent> batch);

  AppenderStats stats() const;

 private:
  struct Pending {
    std::vector<store::LoggedEvent> events;
    std::promise<Result<store::AppendResult>> done;
  };
  void run();
  void write(std::vector<Pending>& group);

  store::EventStore& store_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // GUARDED_BY(mutex_)
  size_t queued_events_ = 0;   // GUARDED_BY(mutex_)
  bool stopping_ = false;      // GUARDED_BY(mutex_)
  AppenderStats stats_;        // GUARDED_BY(mutex_)
  std::thread writer_;         // last: starts after the members above exist
};

}  // namespace icrm::ingest
