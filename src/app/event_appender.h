// EventAppender: the durable append path of the event log with group commit.
// Any thread submits a batch of validated events with a completion callback;
// one writer thread takes every batch waiting at that moment, decides for
// each event whether it is a duplicate or too late (stream::Admission, kept in
// step with the stream's own), stores the rest in one transaction (one fsync
// on SQLite) and then answers every batch of the group. A success means the
// batch's events are durable — stored now, or already in the log — which is
// what "acknowledged" means for the HTTP 202 and for committing a Kafka offset.
//
// Two threads. The writer inserts each group and commits it without waiting
// for the disk (on a SQLite file: store::LogSync::kDeferred); the flusher then
// syncs the write-ahead log once for every group committed since its last
// sync (store::WalSync) and only after that answers those groups, in commit
// order. So the disk's flush of one group overlaps the inserts of the next,
// and an answer still means durable. Where commits are durable by themselves
// (PostgreSQL) the flusher only answers.
//
// After each group is durable its stored events go, moved and in log order,
// to the CommitSink (the stream's owner), so the live state sees exactly what
// a replay of the log would. When the writer's admission may have drifted from
// the sink's (a failed transaction, or the log refusing an event the
// admission let through), it waits for the flusher to answer everything before
// it and asks the sink for its state before going on.
//
// A failed WAL sync stops the appender for good (every later batch is
// answered with that error until the server restarts and replays the log):
// after a failed fsync the kernel may have dropped the pages, and a later
// sync succeeding would not mean they are on disk.
//
// Thread-safety: submit() from any thread; callbacks run on the flusher thread
// and must return quickly. The destructor stops accepting, writes and answers
// what is queued, and joins both threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/result.h"
#include "ingest/event.h"
#include "ingest/event_type.h"
#include "store/database.h"
#include "store/event_log_writer.h"
#include "stream/admission.h"
#include "stream/stream_config.h"

namespace icrm::app {

// Events queued and not yet answered, across all submitters; past it submit()
// refuses (the caller answers 429 instead of buffering without bound).
inline constexpr size_t kMaxQueuedEvents = 200000;
// At most this many events per transaction; a bigger queue takes several.
inline constexpr size_t kMaxEventsPerCommit = 50000;

// What became of one submitted event.
enum class EventOutcome : uint8_t {
  kStored,         // stored and applied to the live windows
  kStoredTooLate,  // stored, flagged too late: not applied to the windows
  kDuplicate,      // an event with its key (or its partition, time and key) was stored before
};

struct AppendOutcome {
  std::vector<EventOutcome> outcomes;  // one per submitted event, in order
  int64_t stored = 0;                  // including too late
  int64_t too_late = 0;
  int64_t duplicates = 0;
};

struct AppendBatch {
  std::vector<ingest::Event> events;  // validated; entity keys canonical
  // The registry the events were validated with: it names their type ids.
  std::shared_ptr<const ingest::EventTypeRegistry> types;
  Timestamp received_at{};
  std::optional<int64_t> submitted_by;  // the user who sent the batch (events.submitted_by)
};

using AppendDone = std::function<void(Result<AppendOutcome>)>;

// Where committed events go. committed() comes from the flusher thread,
// admission() from the writer once the flusher is idle: never at once.
class CommitSink {
 public:
  virtual ~CommitSink() = default;
  // The events just made durable and not duplicates, in log order.
  virtual void committed(std::vector<ingest::Event> events) = 0;
  // Waits until every committed event has been applied, then returns the
  // stream's admission state (what the writer resumes from).
  virtual stream::Admission admission() = 0;
};

struct AppenderStats {
  int64_t commits = 0;
  int64_t batches = 0;
  int64_t events_stored = 0;
  int64_t too_late = 0;
  int64_t duplicates = 0;
  int64_t failed_commits = 0;
  int64_t wal_syncs = 0;      // flusher syncs of the WAL (each covers one or more commits)
  int64_t queued_events = 0;  // submitted and not yet answered
};

class EventAppender {
 public:
  // `sink` may be null: the appender then keeps its own admission state in
  // step (tests, tools). `initial` is the admission state the log's replay
  // left (the stream's); REQUIRES: `db`, `sink` outlive the appender.
  EventAppender(store::Database& db, const stream::StreamConfig& config, CommitSink* sink = nullptr,
                const stream::Admission* initial = nullptr);
  ~EventAppender();
  EventAppender(const EventAppender&) = delete;
  EventAppender& operator=(const EventAppender&) = delete;

  // Queues one batch; `done` runs once with its outcome when it is durable,
  // or with the Error that stopped its transaction. An empty batch, or one
  // that would exceed kMaxQueuedEvents (rate_limited), is answered at once on
  // the calling thread.
  void submit(AppendBatch batch, AppendDone done);
  // The same, waiting for the answer.
  std::future<Result<AppendOutcome>> submit(AppendBatch batch);

  AppenderStats stats() const;

 private:
  struct Pending {
    AppendBatch batch;
    AppendDone done;
  };
  // A group the writer has finished, waiting for the flusher to answer it.
  struct Written {
    std::vector<AppendDone> dones;
    // One per done, or what stopped the group.
    Result<std::vector<AppendOutcome>> outcomes = std::vector<AppendOutcome>{};
    std::vector<ingest::Event> committed;        // for the sink, in log order
    std::shared_ptr<const store::WalSync> sync;  // to sync first; null: durable already
    size_t events = 0;                           // submitted in the group
  };
  class OwnAdmission;
  void run();
  Written write(std::vector<Pending>& group);
  void flush();
  void wait_flushed();

  store::Database& db_;
  std::unique_ptr<OwnAdmission> own_sink_;  // when no sink was given
  CommitSink* sink_;
  stream::Admission gate_;                      // writer thread only
  bool gate_in_step_ = true;                    // writer thread only
  std::unique_ptr<store::EventLogWriter> log_;  // writer thread only; reopened after an error
  std::vector<store::EventRow> rows_;           // writer thread only; reused
  std::vector<size_t> row_of_;                  // writer thread only: event -> row or npos
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;        // GUARDED_BY(mutex_)
  size_t queued_events_ = 0;         // GUARDED_BY(mutex_)
  bool stopping_ = false;            // GUARDED_BY(mutex_)
  AppenderStats stats_;              // GUARDED_BY(mutex_)
  std::condition_variable written_;  // the flusher's wake-up
  std::condition_variable flushed_;  // the flusher went idle
  std::deque<Written> unflushed_;    // GUARDED_BY(mutex_)
  bool flushing_ = false;            // GUARDED_BY(mutex_)
  bool writer_done_ = false;         // GUARDED_BY(mutex_)
  // Set by the first failed WAL sync: from then on nothing is acknowledged.
  std::optional<Error> sync_failure_;  // GUARDED_BY(mutex_)
  // Last: they start after the members above exist.
  std::thread flusher_;
  std::thread writer_;
};

}  // namespace icrm::app
