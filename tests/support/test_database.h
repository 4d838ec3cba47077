// Test support: a fresh, migrated database per test on either engine.
// SQLite gets a file in a temporary directory; PostgreSQL gets a new schema on
// the server scripts/with-postgres.sh started (ICRM_TEST_PG_URL). Store tests
// are parameterised over both engines:
//
//   class LeadStoreTest : public icrm::testing::StoreTest {};
//   TEST_P(LeadStoreTest, RefusesIllegalTransition) { ... db() ... }
//   ICRM_INSTANTIATE_ON_BOTH_ENGINES(LeadStoreTest);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"

namespace icrm::testing {

// A throw-away database; dropped (PostgreSQL schema) or deleted (SQLite
// directory) when destroyed.
class TestDatabase {
 public:
  // Returns nullptr with `why` set when the engine is not available here.
  static std::unique_ptr<TestDatabase> create(store::Engine engine, std::string* why,
                                              bool migrate = true);
  ~TestDatabase();

  store::Database& db() { return *db_; }
  // A URL that opens this same database (for a second instance, a CLI run).
  const std::string& url() const { return url_; }

 private:
  TestDatabase() = default;
  store::Engine engine_ = store::Engine::kSqlite;
  std::string url_;
  std::string admin_url_;  // PostgreSQL: the server URL without the schema option
  std::string schema_;     // PostgreSQL
  std::string dir_;        // SQLite
  std::unique_ptr<store::Database> db_;
};

// True when PostgreSQL tests must run (make test sets ICRM_REQUIRE_PG=1), so a
// missing server fails them instead of skipping them.
bool postgres_required();

class StoreTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override;
  void TearDown() override { test_db_.reset(); }
  store::Database& db() { return test_db_->db(); }
  const std::string& db_url() const { return test_db_->url(); }

 private:
  std::unique_ptr<TestDatabase> test_db_;
};

std::string engine_name(const ::testing::TestParamInfo<store::Engine>& info);

}  // namespace icrm::testing

#define ICRM_INSTANTIATE_ON_BOTH_ENGINES(suite)                                            \
  INSTANTIATE_TEST_SUITE_P(                                                                \
      Engines, suite,                                                                      \
      ::testing::Values(::icrm::store::Engine::kSqlite, ::icrm::store::Engine::kPostgres), \
      ::icrm::testing::engine_name)
