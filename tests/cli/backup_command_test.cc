// `insightcrm backup` and `restore` run as subprocesses on both engines,
// including a backup taken while another connection keeps writing.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/user_store.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

class BackupCommandTest : public testing::StoreTest {
 protected:
  std::string path(const std::string& name) { return dir_.path(name); }
  store::UserStore users() { return store::UserStore(db(), SystemClock::instance()); }
  void add_user(const std::string& email) {
    ASSERT_TRUE(
        users()
            .create(store::Actor::system(), {email, "Someone", store::Role::kRep, "$argon2id$x"})
            .ok());
  }
  static long long count_products(store::Database& d) {
    auto l = d.lease();
    long long n = 0;
    **l << "SELECT COUNT(*) FROM products", soci::into(n);
    return n;
  }

  testing::TempDir dir_{"icrm-backup"};
};

TEST_P(BackupCommandTest, BackupWhileAnotherConnectionWritesIsConsistent) {
  auto writer_db = store::Database::open({.url = db_url()});
  ASSERT_TRUE(writer_db.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> pairs{0};
  std::string writer_error;
  // Each transaction writes two rows: a consistent snapshot holds an even count.
  std::thread writer([&] {
    try {
      for (int i = 0; !stop; ++i) {
        auto l = (*writer_db)->lease();
        soci::transaction tr(**l);
        for (const char* side : {"a", "b"}) {
          std::string sku = "sku-" + std::to_string(i) + side;
          **l << "INSERT INTO products (sku, name, unit_price_minor, created_at, updated_at) "
                 "VALUES (:s, 'Widget', 100, '2026-11-23T00:00:00.000000Z', "
                 "'2026-11-23T00:00:00.000000Z')",
              soci::use(sku);
        }
        tr.commit();
        ++pairs;
      }
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
  });
  while (pairs < 20 && writer_error.empty()) std::this_thread::yield();
  const int before = pairs;
  auto run = run_cli({"backup", "--db", db_url(), "--out", path("crm.backup")});
  const int during = pairs - before;
  stop = true;
  writer.join();
  writer_db->reset();
  ASSERT_TRUE(writer_error.empty()) << writer_error;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("backed up to"), std::string::npos);
  EXPECT_GT(during, 0) << "the backup blocked the writer";
  const long long written = 2LL * pairs;

  long long in_backup = 0;
  if (GetParam() == store::Engine::kSqlite) {
    auto copy = store::Database::open({.url = "sqlite:" + path("crm.backup")});
    ASSERT_TRUE(copy.ok());
    in_backup = count_products(**copy);
  } else {
    auto restore = run_cli({"restore", "--db", db_url(), "--in", path("crm.backup"), "--force"});
    ASSERT_EQ(restore.exit_code, 0) << restore.err;
    in_backup = count_products(db());
  }
  EXPECT_EQ(in_backup % 2, 0) << "a transaction was half in the backup";
  EXPECT_GE(in_backup, 2LL * before);
  EXPECT_LE(in_backup, written);
}

TEST_P(BackupCommandTest, RestoreRefusesANonEmptyDatabaseWithoutForce) {
  add_user("ada@example.com");
  auto backup = run_cli({"backup", "--db", db_url(), "--out", path("one-user.backup")});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  add_user("bob@example.com");

  auto refused = run_cli({"restore", "--db", db_url(), "--in", path("one-user.backup")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("not empty"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_EQ(*users().count(), 2);

  auto forced = run_cli({"restore", "--db", db_url(), "--in", path("one-user.backup"), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(*users().count(), 1);
  EXPECT_TRUE(users().get_by_email("ada@example.com").ok());
}

TEST_P(BackupCommandTest, RefusesToOverwriteABackupFileWithoutForce) {
  std::ofstream(path("taken")) << "precious";
  auto run = run_cli({"backup", "--db", db_url(), "--out", path("taken")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("already exists"), std::string::npos) << run.err;
  EXPECT_EQ(fs::file_size(path("taken")), 8u);
  EXPECT_EQ(run_cli({"backup", "--db", db_url(), "--out", path("taken"), "--force"}).exit_code, 0);
  EXPECT_GT(fs::file_size(path("taken")), 8u);
}

TEST_P(BackupCommandTest, RestoreRefusesWhatIsNotABackup) {
  std::ofstream(path("garbage")) << "this is not a database";
  auto run = run_cli({"restore", "--db", db_url(), "--in", path("garbage"), "--force"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_FALSE(run.err.empty());
  auto missing = run_cli({"restore", "--db", db_url(), "--in", path("absent")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no backup file"), std::string::npos) << missing.err;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(BackupCommandTest);

TEST(SqliteRestoreTest, AnEmptyDatabaseNeedsNoForce) {
  std::string why;
  auto source = testing::TestDatabase::create(store::Engine::kSqlite, &why);
  ASSERT_TRUE(source) << why;
  store::UserStore users(source->db(), SystemClock::instance());
  ASSERT_TRUE(users
                  .create(store::Actor::system(),
                          {"ada@example.com", "Ada", store::Role::kAdmin, "$argon2id$x"})
                  .ok());
  testing::TempDir dir("icrm-restore");
  std::string backup = dir.path("b.db"), fresh = dir.path("fresh.db");
  ASSERT_EQ(run_cli({"backup", "--db", source->url(), "--out", backup}).exit_code, 0);
  auto run = run_cli({"restore", "--db", "sqlite:" + fresh, "--in", backup});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto restored = store::Database::open({.url = "sqlite:" + fresh});
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*store::UserStore(**restored, SystemClock::instance()).count(), 1);
  restored->reset();
}

}  // namespace
}  // namespace icrm::cli
