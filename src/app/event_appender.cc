#include "app/event_appender.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace icrm::app {

// The sink used when the caller has no stream: it only keeps the admission
// state of the committed events, so the writer can resync after an error.
// Writer thread only.
class EventAppender::OwnAdmission final : public CommitSink {
 public:
  explicit OwnAdmission(stream::Admission initial) : admission_(std::move(initial)) {}
  void committed(std::vector<ingest::Event> events) override {
    for (const ingest::Event& e : events) admission_.admit(e.key, to_unix_micros(e.ts));
  }
  stream::Admission admission() override { return admission_; }

 private:
  stream::Admission admission_;
};

namespace {

constexpr size_t kNoRow = static_cast<size_t>(-1);

stream::Admission fresh_admission(const stream::StreamConfig& config) {
  return stream::Admission(config.allowed_lateness(), config.dedupe_capacity());
}

}  // namespace

EventAppender::EventAppender(store::Database& db, const stream::StreamConfig& config,
                             CommitSink* sink, const stream::Admission* initial)
    : db_(db),
      own_sink_(sink == nullptr
                    ? std::make_unique<OwnAdmission>(initial ? *initial : fresh_admission(config))
                    : nullptr),
      sink_(sink != nullptr ? sink : own_sink_.get()),
      gate_(initial ? *initial : fresh_admission(config)),
      flusher_([this] { flush(); }),
      writer_([this] { run(); }) {}

EventAppender::~EventAppender() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();  // everything queued is written and handed to the flusher
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writer_done_ = true;
  }
  written_.notify_all();
  flusher_.join();
}

void EventAppender::submit(AppendBatch batch, AppendDone done) {
  if (batch.events.empty()) return done(AppendOutcome{});
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) {
      lock.unlock();
      return done(Error::unavailable("the event log is shutting down"));
    }
    if (sync_failure_) {
      Error failure = *sync_failure_;
      lock.unlock();
      return done(std::move(failure));
    }
    if (queued_events_ + batch.events.size() > kMaxQueuedEvents) {
      size_t waiting = queued_events_;
      lock.unlock();
      return done(Error::rate_limited("the event log is behind: " + std::to_string(waiting) +
                                      " events waiting; retry shortly"));
    }
    queued_events_ += batch.events.size();
    queue_.push_back(Pending{std::move(batch), std::move(done)});
  }
  wake_.notify_one();
}

std::future<Result<AppendOutcome>> EventAppender::submit(AppendBatch batch) {
  auto promise = std::make_shared<std::promise<Result<AppendOutcome>>>();
  auto future = promise->get_future();
  submit(std::move(batch),
         [promise](Result<AppendOutcome> r) { promise->set_value(std::move(r)); });
  return future;
}

AppenderStats EventAppender::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  AppenderStats s = stats_;
  s.queued_events = static_cast<int64_t>(queued_events_);
  return s;
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
      while (!queue_.empty() && (group.empty() || events + queue_.front().batch.events.size() <=
                                                      kMaxEventsPerCommit)) {
        events += queue_.front().batch.events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Written written = write(group);
    group.clear();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      unflushed_.push_back(std::move(written));
    }
    written_.notify_one();
  }
}

void EventAppender::wait_flushed() {
  std::unique_lock<std::mutex> lock(mutex_);
  flushed_.wait(lock, [this] { return unflushed_.empty() && !flushing_; });
}

void EventAppender::flush() {
  std::deque<Written> round;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      flushing_ = false;
      if (unflushed_.empty()) flushed_.notify_all();
      written_.wait(lock, [this] { return writer_done_ || !unflushed_.empty(); });
      if (unflushed_.empty()) return;  // the writer has stopped and all is answered
      round.swap(unflushed_);
      flushing_ = true;
    }
    // One sync for the whole round: every group in it was committed before
    // it starts. (Two WALs only if the writer reopened its connection.)
    Status synced = ok_status();
    int64_t syncs = 0;
    const store::WalSync* last = nullptr;
    for (const Written& w : round) {
      if (!w.sync || w.sync.get() == last) continue;
      last = w.sync.get();
      ++syncs;
      if (Status s = w.sync->sync(); !s) synced = s;
    }
    if (!synced) spdlog::error("event log sync failed: {}", synced.error().to_string());
    {  // before the answers, so an answered caller sees its batch counted
      size_t events = 0;
      for (const Written& w : round) events += w.events;
      std::lock_guard<std::mutex> lock(mutex_);
      queued_events_ -= events;
      stats_.wal_syncs += syncs;
      // A failed fsync may have dropped the pages it was to write, and a later
      // sync would not bring them back: nothing is acknowledged any more (not
      // even a re-delivery, whose original may be among those pages).
      if (!synced && !sync_failure_) {
        sync_failure_ = Error::unavailable("the event log stopped: " + synced.error().message);
      }
      if (sync_failure_) synced = *sync_failure_;
    }
    for (Written& w : round) {
      // Committed to the log even when the sync failed: the live state keeps
      // following the log, and the error answer makes the sender retry
      // (recognised as a duplicate if the rows survived).
      if (!w.committed.empty()) sink_->committed(std::move(w.committed));
      for (size_t g = 0; g < w.dones.size(); ++g) {
        if (!w.outcomes) {
          w.dones[g](w.outcomes.error());
        } else if (!synced) {
          w.dones[g](synced.error());
        } else {
          w.dones[g](std::move((*w.outcomes)[g]));
        }
      }
    }
    round.clear();
  }
}

EventAppender::Written EventAppender::write(std::vector<Pending>& group) {
  Written out;
  out.dones.reserve(group.size());
  for (Pending& p : group) {
    out.dones.push_back(std::move(p.done));
    out.events += p.batch.events.size();
  }
  if (!gate_in_step_) {
    wait_flushed();  // the sink has every committed event
    gate_ = sink_->admission();
    gate_in_step_ = true;
  }
  // Decide each event in arrival order, as the stream will, and build the
  // rows by view: no string is copied.
  rows_.clear();
  row_of_.clear();
  for (Pending& p : group) {
    const ingest::EventTypeRegistry& types = *p.batch.types;
    for (const ingest::Event& e : p.batch.events) {
      stream::ApplyOutcome decided = gate_.admit(e.key, to_unix_micros(e.ts));
      if (decided == stream::ApplyOutcome::kDuplicate) {
        row_of_.push_back(kNoRow);
        continue;
      }
      row_of_.push_back(rows_.size());
      rows_.push_back({e.key, e.entity, types.name(e.type), e.ts, e.value, e.attrs,
                       p.batch.received_at, decided == stream::ApplyOutcome::kTooLate,
                       p.batch.submitted_by});
    }
  }

  Result<store::AppendResult> written = store::AppendResult{};
  if (!rows_.empty()) {
    if (!log_) {
      auto opened = store::EventLogWriter::open(db_, store::LogSync::kDeferred);
      if (opened) {
        log_ = std::move(*opened);
      } else {
        written = opened.error();
      }
    }
    if (log_) written = log_->append(rows_);
  }
  if (!written) {
    spdlog::warn("event log append failed: {}", written.error().to_string());
    log_.reset();           // the connection may be broken: open a fresh one next time
    gate_in_step_ = false;  // the gate admitted events that were not stored
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.failed_commits;
    }
    out.outcomes = written.error();
    return out;
  }
  if (!rows_.empty()) out.sync = log_->deferred_sync();

  // Outcomes, and the stored events for the stream in log order.
  std::vector<ingest::Event> committed;
  committed.reserve(written->stored.size());
  std::vector<AppendOutcome> outcomes(group.size());
  int64_t stored = 0, too_late = 0, duplicates = 0;
  size_t at = 0;
  for (size_t g = 0; g < group.size(); ++g) {
    AppendOutcome& out = outcomes[g];
    out.outcomes.reserve(group[g].batch.events.size());
    for (size_t i = 0; i < group[g].batch.events.size(); ++i) {
      size_t row = row_of_[at++];
      EventOutcome o = EventOutcome::kDuplicate;
      if (row != kNoRow) {
        if (written->stored[row]) {
          o = rows_[row].too_late ? EventOutcome::kStoredTooLate : EventOutcome::kStored;
        } else if (!rows_[row].too_late) {
          // The log had it (its key fell out of the dedupe memory) but the
          // gate admitted it: the gate is now ahead of the stream.
          gate_in_step_ = false;
        }
      }
      out.outcomes.push_back(o);
      if (o == EventOutcome::kDuplicate) {
        ++out.duplicates;
      } else {
        ++out.stored;
        if (o == EventOutcome::kStoredTooLate) ++out.too_late;
      }
    }
    stored += out.stored;
    too_late += out.too_late;
    duplicates += out.duplicates;
  }
  // The rows viewed the events' strings: move the events only now.
  at = 0;
  for (Pending& p : group) {
    for (ingest::Event& e : p.batch.events) {
      size_t row = row_of_[at++];
      if (row != kNoRow && written->stored[row]) committed.push_back(std::move(e));
    }
  }
  rows_.clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.commits;
    stats_.batches += static_cast<int64_t>(group.size());
    stats_.events_stored += stored;
    stats_.too_late += too_late;
    stats_.duplicates += duplicates;
  }
  out.committed = std::move(committed);
  out.outcomes = std::move(outcomes);
  return out;
}

}  // namespace icrm::app
