#include "store/database.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/stat.h>

#include <filesystem>

#include "store/backup.h"
#include "store/bulk_writer.h"
#include "store/migrations.h"
#include "store/redact_url.h"
#include "store/sql_support.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

TEST(DatabaseUrlTest, ParsesBothEngines) {
  auto s = parse_database_url("sqlite:data/crm.db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->engine, Engine::kSqlite);
  EXPECT_EQ(s->sqlite_path, "data/crm.db");
  auto p = parse_database_url("postgresql://crm:secret@db:5432/crm");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->engine, Engine::kPostgres);
  EXPECT_EQ(p->display, "postgresql://crm:***@db:5432/crm");
  EXPECT_EQ(p->connect_string, "host='db' port='5432' user='crm' password='secret' dbname='crm'");
  auto q = parse_database_url("postgresql://u@h/d?options=-csearch_path%3Ds1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->connect_string, "host='h' user='u' dbname='d' options='-csearch_path=s1'");
}

TEST(DatabaseUrlTest, EveryShapeOfPasswordIsRedacted) {
  // An empty user with a password slipped past the old pattern (user:pw@ only).
  EXPECT_EQ(parse_database_url("postgresql://:pw@host/db")->display, "postgresql://:***@host/db");
  EXPECT_EQ(redact_database_url("postgres://crm:s3cret@db:5432/crm"),
            "postgres://crm:***@db:5432/crm");
  EXPECT_EQ(redact_database_url("postgresql://crm:p@ss/w@db/crm"), "postgresql://crm:***@db/crm");
  EXPECT_EQ(redact_database_url("postgresql://db/crm?user=crm&password=s3cret&sslmode=require"),
            "postgresql://db/crm?user=crm&password=***&sslmode=require");
  EXPECT_EQ(redact_database_url("postgresql://db/crm?PASSWORD=s3cret"),
            "postgresql://db/crm?PASSWORD=***");
  EXPECT_EQ(redact_database_url("host=db password=s3cret dbname=crm"),
            "host=db password=*** dbname=crm");
  EXPECT_EQ(redact_database_url("host=db password = 'se cr\\'et' dbname=crm"),
            "host=db password = *** dbname=crm");
  // Nothing to hide: kept as it is.
  for (std::string plain : {"postgresql://crm@db:5432/crm", "postgresql://db/crm?user=a@b",
                            "sqlite:data/crm.db", "host=db dbname=crm"}) {
    EXPECT_EQ(redact_database_url(plain), plain);
  }
  for (std::string url :
       {"postgresql://:pw@host/db", "postgresql://u:pw@host/db?password=pw", "password=pw"}) {
    auto parsed = parse_database_url(url);
    std::string shown = parsed ? parsed->display : parsed.error().message;
    EXPECT_EQ(shown.find("pw"), std::string::npos) << shown;
  }
}

// Customer data and password hashes: a umask of 022 would have made every
// file readable by any user of the machine.
TEST(DatabaseFileTest, SqliteFilesAndBackupsAreOwnerOnlyWhateverTheUmask) {
  icrm::testing::TempDir dir("icrm-mode");
  const mode_t old_umask = ::umask(022);
  const std::string path = dir.path("crm.db");
  const std::string backup = dir.path("backups/crm.backup");
  const std::string restored = dir.path("restored.db");
  auto mode_of = [](const std::string& f) {
    struct stat st {};
    return ::stat(f.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
  };
  {
    auto db = Database::open({.url = "sqlite:" + path});
    ASSERT_TRUE(db) << db.error().to_string();
    ASSERT_TRUE((*db)->migrate());
    auto report = backup_database("sqlite:" + path, backup, false);
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_EQ(mode_of(path), 0600);
    EXPECT_EQ(mode_of(path + "-wal"), 0600);  // SQLite gives them the database's mode
    EXPECT_EQ(mode_of(path + "-shm"), 0600);
    EXPECT_EQ(mode_of(backup), 0600);
    EXPECT_FALSE(std::filesystem::exists(backup + ".partial"));
  }
  ASSERT_TRUE(restore_database("sqlite:" + restored, backup, false));
  EXPECT_EQ(mode_of(restored), 0600);
  ::umask(old_umask);
}

TEST(DatabaseUrlTest, RejectsOtherSchemes) {
  auto r = parse_database_url("mysql://x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "db");
  EXPECT_FALSE(parse_database_url("sqlite:").ok());
}

TEST(DatabaseTest, UnreachablePostgresIsUnavailable) {
  auto db = Database::open({.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
}

class DatabaseEngineTest : public testing::StoreTest {};

TEST_P(DatabaseEngineTest, MigratesToLatestOnceOnly) {
  auto v = db().schema_version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Database::latest_schema_version());
  auto again = db().migrate();
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(*again, 0);
  EXPECT_TRUE(db().ping().ok());
}

TEST_P(DatabaseEngineTest, AppliesPendingMigrationsAllOrNone) {
  // Two pending migrations, the second broken: the first is undone too.
  int latest = Database::latest_schema_version();
  std::vector<Migration> migrations(all_migrations().begin(), all_migrations().end());
  migrations.push_back(
      {latest + 1, "first", "CREATE TABLE migrated_first (id INTEGER PRIMARY KEY)"});
  migrations.push_back(
      {latest + 2, "broken", "CREATE TABLE migrated_first (id INTEGER PRIMARY KEY)"});
  auto failed = db().migrate(migrations);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find(std::to_string(latest + 2) + "_broken"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(*db().schema_version(), latest);
  {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    EXPECT_THROW((**lease << "SELECT COUNT(*) FROM migrated_first"), soci::soci_error);
  }
  // Fixed, both go in together.
  migrations.back().sql = "CREATE TABLE migrated_second (id INTEGER PRIMARY KEY)";
  auto applied = db().migrate(migrations);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(*db().schema_version(), latest + 2);
  // Newer than the list it is given: refused.
  auto older = db().migrate(all_migrations());
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.error().code, ErrorCode::kConflict);
}

TEST_P(DatabaseEngineTest, EnforcesForeignKeys) {
  auto lease = db().lease();
  ASSERT_TRUE(lease.ok());
  EXPECT_THROW((**lease << "INSERT INTO leads (name, owner_id, created_at, updated_at) "
                           "VALUES ('x', 999, 'now', 'now')"),
               soci::soci_error);
}

TEST_P(DatabaseEngineTest, SecondConnectionSeesSameDatabase) {
  auto second = Database::open({.url = db_url()});
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  auto v = (*second)->schema_version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Database::latest_schema_version());
}

// Regression: the statement cache (SQLite) kept the first double bound to a
// statement and reused it for every later call on the connection, and keyed
// a double like text; a decision's score, probability and utilities were all
// the first decision's.
TEST_P(DatabaseEngineTest, RepeatedQueryBindsEachCallsDoubles) {
  auto lease = db().lease();
  ASSERT_TRUE(lease.ok());
  const std::string sql = "SELECT CAST(:p0 AS DOUBLE PRECISION)";
  for (double v : {0.25, 0.1 + 0.2, -3.5e-300, 12345.678901234567}) {
    auto rows = query_rows(**lease, sql, {SqlValue::real(v)}, 1, 0b1);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(cell_double(rows[0][0]), v) << *rows[0][0];  // every bit
  }
  auto text = query_rows(**lease, "SELECT :p0", {SqlValue::of("0.5x")}, 1);
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(cell_text(text[0][0]), "0.5x");
  auto null = query_rows(**lease, sql, {SqlValue::null()}, 1, 0b1);
  ASSERT_EQ(null.size(), 1u);
  EXPECT_FALSE(null[0][0].has_value());
}

// Regression (PostgreSQL): a BulkWriter used to free every prepared
// statement of its connection (DEALLOCATE ALL) when done, so the statements
// the connection's cache keeps were gone and their next use failed.
TEST_P(DatabaseEngineTest, KeptStatementsOutliveABulkWriterOnTheirConnection) {
  auto db = Database::open({.url = db_url(), .pool_size = 1});
  ASSERT_TRUE(db.ok()) << db.error().to_string();
  const std::string sql = "SELECT COUNT(*) FROM customers WHERE status = :p0";
  auto count = [&]() -> int64_t {
    auto lease = (*db)->lease();
    EXPECT_TRUE(lease.ok());
    return cell_int(query_rows(**lease, sql, {SqlValue::of("active")}, 1).at(0)[0]);
  };
  const int64_t before = count();  // prepared and kept
  {
    auto writer = BulkWriter::open(**db);
    ASSERT_TRUE(writer.ok()) << writer.error().to_string();
    ASSERT_TRUE((*writer)->begin().ok());
    CustomerRow row;
    row.name = "Bulk";
    row.created_at = row.updated_at = "2026-11-23T09:00:00.000000Z";
    ASSERT_TRUE((*writer)->insert_customer(row).ok());
    ASSERT_TRUE((*writer)->commit().ok());
  }
  EXPECT_EQ(count(), before + 1);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DatabaseEngineTest);

}  // namespace
}  // namespace icrm::store
