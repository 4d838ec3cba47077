#include "store/wal_checkpointer.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

namespace icrm::store {

struct WalCheckpointer::Connection {
  sqlite_api::sqlite3* db = nullptr;
  ~Connection() { sqlite_api::sqlite3_close_v2(db); }
};

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(
    const std::string& path, int trigger_pages, std::chrono::milliseconds busy_timeout) {
  auto conn = std::make_unique<Connection>();
  int rc = sqlite_api::sqlite3_open_v2(path.c_str(), &conn->db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) {
    return Error::unavailable(
        "cannot open " + path + " for checkpoints: " +
        (conn->db ? sqlite_api::sqlite3_errmsg(conn->db) : sqlite_api::sqlite3_errstr(rc)));
  }
  sqlite_api::sqlite3_busy_timeout(conn->db, static_cast<int>(busy_timeout.count()));
  // Its own commits (none) must not checkpoint either.
  sqlite_api::sqlite3_wal_autocheckpoint(conn->db, 0);
  // A connection opens the file lazily; until it has read it, a checkpoint
  // finds no WAL (and reports -1 frames).
  char* err = nullptr;
  if (sqlite_api::sqlite3_exec(conn->db, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr,
                               &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite_api::sqlite3_free(err);
    return Error::unavailable("cannot read " + path + " for checkpoints: " + msg);
  }
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(conn), trigger_pages));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<Connection> conn, int trigger_pages)
    : conn_(std::move(conn)), trigger_pages_(trigger_pages), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::attach(soci::session& session) {
  auto* be = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  sqlite_api::sqlite3_wal_hook(
      be->conn_,
      [](void* self, sqlite_api::sqlite3* db, const char* name, int pages) {
        return on_commit(self, db, name, pages);
      },
      this);
}

int WalCheckpointer::on_commit(void* self, void*, const char*, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (pages < c->trigger_pages_) return SQLITE_OK;
  {
    std::lock_guard lock(c->mutex_);
    if (c->requested_) return SQLITE_OK;
    c->requested_ = true;
  }
  c->wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::checkpoint_now() {
  std::unique_lock lock(mutex_);
  // A run already under way may have started before this request: wait for the next one.
  uint64_t target = runs_ + (running_ ? 2 : 1);
  requested_ = true;
  wake_.notify_one();
  done_.wait(lock, [&] { return runs_ >= target || stopping_; });
}

CheckpointStats WalCheckpointer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
    running_ = true;
    ++stats_.wakeups;
    lock.unlock();
    checkpoint_once();
    lock.lock();
    running_ = false;
    ++runs_;
    done_.notify_all();
  }
}

void WalCheckpointer::checkpoint_once() {
  int log = 0, copied = 0;
  int passes = 0, failures = 0, restarts = 0;
  int64_t frames = 0;
  // PASSIVE passes copy what is committed without blocking anyone; while
  // commits keep coming each pass has less to copy, until one finishes
  // before the next commit and that commit starts the WAL over.
  while (passes < kMaxPassiveCheckpointPasses) {
    ++passes;
    int rc = sqlite_api::sqlite3_wal_checkpoint_v2(conn_->db, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                   &log, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      ++failures;
      spdlog::warn("WAL checkpoint failed: {}", sqlite_api::sqlite3_errmsg(conn_->db));
      break;
    }
    if (copied > 0) frames += copied;
    if (log <= 0 || copied >= log) break;
  }
  if (failures == 0 && log >= 4 * trigger_pages_) {
    // Writers outpace the copy: make them wait once, or the WAL grows without end.
    int rc = sqlite_api::sqlite3_wal_checkpoint_v2(conn_->db, nullptr, SQLITE_CHECKPOINT_RESTART,
                                                   &log, &copied);
    ++restarts;
    if (rc == SQLITE_OK) {
      frames += copied;
    } else if (rc != SQLITE_BUSY) {
      ++failures;
      spdlog::warn("WAL checkpoint (restart) failed: {}", sqlite_api::sqlite3_errmsg(conn_->db));
    }
  }
  std::lock_guard lock(mutex_);
  stats_.passive_passes += passes;
  stats_.restarts += restarts;
  stats_.frames_copied += frames;
  stats_.failures += failures;
}

}  // namespace icrm::store
