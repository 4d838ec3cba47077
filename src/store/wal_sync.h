// WalSync: makes the commits already written to a SQLite write-ahead log
// durable, from any thread, by syncing the WAL file (fdatasync).
//
// Why: a connection at synchronous=FULL syncs the WAL inside every COMMIT,
// so the committing thread waits for the disk before it can start the next
// transaction. The event log's group commit instead commits at
// synchronous=NORMAL (the WAL frames are written, not synced) and hands the
// group to another thread, which syncs the WAL with this object and only then
// acknowledges it. The sync covers every frame written before it started, so
// an acknowledged commit is exactly as durable as under FULL (which is NORMAL
// plus this sync at the end of each commit; SQLite still syncs the WAL header
// when it starts the log over, and syncs WAL and database file at each
// checkpoint, in both modes) — while the writer already inserts the next group.
//
// The file stays the same while the database is open: SQLite deletes a WAL
// only when the last connection to the file closes, and the writer holding
// this object keeps one open.
//
// Thread-safety: sync() from any thread. Owns its descriptor.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace icrm::store {

class WalSync {
 public:
  // Opens `wal_path` (which must exist) and syncs its directory once, so the
  // file's own entry is durable too.
  static Result<std::shared_ptr<const WalSync>> open(const std::string& wal_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Every write to the file that completed before the call is on disk when it
  // returns success.
  Status sync() const;
  const std::string& path() const { return path_; }

 private:
  WalSync(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace icrm::store
