// A fixture for tests of one schema migration: a database of either engine
// left unmigrated, built up to the migration before the one under test with
// the migrations' own statements (as Database::migrate() would), so rows can
// be stored the way the old writers did before migrate() applies the rest.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <memory>
#include <string>

#include "store/migrations.h"
#include "tests/support/test_database.h"

namespace icrm::store::testing {

class MigrationTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string why;
    test_db_ = icrm::testing::TestDatabase::create(GetParam(), &why, /*migrate=*/false);
    if (!test_db_) {
      if (GetParam() == Engine::kPostgres && !icrm::testing::postgres_required() &&
          why.find("ICRM_TEST_PG_URL") != std::string::npos) {
        GTEST_SKIP() << why;
      }
      FAIL() << why;
    }
  }
  Database& db() { return test_db_->db(); }

  // Applies the migrations numbered below `version`.
  void migrate_before(int version) {
    ASSERT_TRUE(db().schema_version().ok());  // creates schema_version
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    soci::session& s = **lease;
    for (const Migration& m : all_migrations()) {
      if (m.version >= version) break;
      for (const std::string& stmt : migration_statements(m, db().engine())) s << stmt;
      std::string name(m.name);
      s << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, "
           "'2026-01-01T00:00:00.000000Z')",
          soci::use(m.version), soci::use(name);
    }
  }

  std::unique_ptr<icrm::testing::TestDatabase> test_db_;
};

}  // namespace icrm::store::testing
