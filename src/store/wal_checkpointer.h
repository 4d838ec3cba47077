// WalCheckpointer: copies a SQLite database's write-ahead log back into the
// database file on its own thread, so that no committing thread pays for it.
//
// SQLite's default (wal_autocheckpoint) runs the checkpoint inside whichever
// commit first leaves the WAL past 1,000 pages: the event log's group commit,
// or a score, alert or decision written meanwhile, then waits tens of
// milliseconds copying pages while its callers wait for their answer. Every
// pooled connection of a SQLite file is attached instead: its commits only
// note the WAL's size (sqlite3_wal_hook, which also switches the connection's
// autocheckpoint off) and, past `trigger_pages`, wake this thread. The thread
// runs PASSIVE checkpoints on a connection of its own — they never block a
// writer — repeated while commits keep adding frames, so it catches up and the
// next writer starts the WAL over. Only when the WAL passes 4 x trigger_pages
// (writers outpacing the copy) does it run one RESTART checkpoint, which makes
// writers wait while it finishes.
//
// Durability does not change: a commit is durable once its WAL frames are
// synced (synchronous=FULL); the checkpoint only moves pages to their place.
//
// Thread-safety: attach() before the connection is used by several threads;
// checkpoint_now() and stats() from any thread. The trigger is
// DatabaseOptions::sqlite_checkpoint_pages.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace soci {
class session;
}

namespace icrm::store {

// PASSIVE passes per wake-up before giving up on catching up this time.
inline constexpr int kMaxPassiveCheckpointPasses = 16;

struct CheckpointStats {
  int64_t wakeups = 0;
  int64_t passive_passes = 0;
  int64_t restarts = 0;       // blocking RESTART checkpoints (writers outpaced the copy)
  int64_t frames_copied = 0;  // as reported by SQLite, summed over passes
  int64_t failures = 0;
};

class WalCheckpointer {
 public:
  // Opens its own connection to the database file at `path` (which must
  // already be in WAL mode) and starts the thread.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path, int trigger_pages,
                                                        std::chrono::milliseconds busy_timeout);
  ~WalCheckpointer();  // stops the thread; the last connection to close checkpoints anyway
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Routes the WAL hook of `session` (a SQLite session) here.
  void attach(soci::session& session);
  // Wakes the thread for a checkpoint now and waits until it has run one
  // wake-up (tests, backups).
  void checkpoint_now();
  CheckpointStats stats() const;

 private:
  struct Connection;
  WalCheckpointer(std::unique_ptr<Connection> conn, int trigger_pages);
  static int on_commit(void* self, void* db, const char* name, int pages);
  void run();
  void checkpoint_once();

  std::unique_ptr<Connection> conn_;  // the thread's own
  const int trigger_pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool requested_ = false;  // GUARDED_BY(mutex_)
  bool stopping_ = false;   // GUARDED_BY(mutex_)
  bool running_ = false;    // GUARDED_BY(mutex_)
  uint64_t runs_ = 0;       // GUARDED_BY(mutex_)
  CheckpointStats stats_;   // GUARDED_BY(mutex_)
  std::thread thread_;      // last
};

}  // namespace icrm::store
