#include "store/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <string>

#include "store/database.h"
#include "tests/support/temp_dir.h"

namespace icrm::store {
namespace {

class WalCheckpointerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> open(int trigger_pages) {
    auto db = Database::open({.url = "sqlite:" + dir_.path("t.db"),
                              .pool_size = 2,
                              .sqlite_checkpoint_pages = trigger_pages});
    EXPECT_TRUE(db) << db.error().to_string();
    return std::move(*db);
  }

  // Commits `n` transactions of ~40 KiB each (about ten WAL pages apiece).
  static void write(Database& db, int n) {
    auto lease = db.lease();
    ASSERT_TRUE(lease);
    soci::session& s = **lease;
    s << "CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
    std::string body(40 * 1024, 'x');
    for (int i = 0; i < n; ++i) s << "INSERT INTO blobs (body) VALUES (:b)", soci::use(body);
  }

  // Frames in the WAL now (a PASSIVE checkpoint that copies nothing new).
  static int wal_frames(Database& db) {
    auto lease = db.lease();
    EXPECT_TRUE(lease);
    int busy = 0, log = 0, copied = 0;
    **lease << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log),
        soci::into(copied);
    return log;
  }

  static int64_t wal_bytes(const std::filesystem::path& db) {
    std::error_code ec;
    auto size = std::filesystem::file_size(db.string() + "-wal", ec);
    return ec ? 0 : static_cast<int64_t>(size);
  }

  icrm::testing::TempDir dir_{"icrm-wal"};
};

TEST_F(WalCheckpointerTest, CommitsPastTheTriggerAreCopiedBackByTheThread) {
  auto db = open(/*trigger_pages=*/64);
  ASSERT_NE(db->checkpointer(), nullptr);
  write(*db, 40);  // ~400 pages: past the trigger several times
  db->checkpointer()->checkpoint_now();
  CheckpointStats s = db->checkpointer()->stats();
  EXPECT_GE(s.wakeups, 1);
  EXPECT_GT(s.frames_copied, 0);
  EXPECT_EQ(s.failures, 0);
  // Everything was copied back: the next commit starts the WAL over, so the
  // WAL holds that commit's frames only (the file keeps its size).
  write(*db, 40);
  db->checkpointer()->checkpoint_now();
  write(*db, 1);
  EXPECT_LE(wal_frames(*db), 20);
  auto lease = db->lease();
  ASSERT_TRUE(lease);
  int rows = 0;
  **lease << "SELECT COUNT(*) FROM blobs", soci::into(rows);
  EXPECT_EQ(rows, 81);
}

TEST_F(WalCheckpointerTest, CommitsDoNotCheckpointThemselves) {
  // A trigger far above what is written: the pooled connections' own
  // autocheckpoint (1,000 pages by default) must be off, so the WAL keeps
  // every frame of ~1,200 pages of commits.
  auto db = open(/*trigger_pages=*/1'000'000);
  write(*db, 120);
  EXPECT_GT(wal_bytes(dir_.path("t.db")), 1000 * 4096);
  EXPECT_EQ(db->checkpointer()->stats().wakeups, 0);
  // Asked explicitly, the thread copies them back.
  db->checkpointer()->checkpoint_now();
  EXPECT_GT(db->checkpointer()->stats().frames_copied, 1000);
}

TEST_F(WalCheckpointerTest, MemoryDatabasesHaveNone) {
  auto db = Database::open({.url = "sqlite::memory:"});
  ASSERT_TRUE(db);
  EXPECT_EQ((*db)->checkpointer(), nullptr);
}

}  // namespace
}  // namespace icrm::store
