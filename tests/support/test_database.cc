#include "tests/support/test_database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>

#include "tests/support/temp_dir.h"

namespace icrm::testing {

bool postgres_required() {
  const char* v = std::getenv("ICRM_REQUIRE_PG");
  return v != nullptr && std::string(v) == "1";
}

std::unique_ptr<TestDatabase> TestDatabase::create(store::Engine engine, std::string* why,
                                                   bool migrate) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->engine_ = engine;
  if (engine == store::Engine::kSqlite) {
    auto dir = std::filesystem::temp_directory_path() / ("icrm-test-" + unique_suffix());
    std::filesystem::create_directories(dir);
    t->dir_ = dir.string();
    t->url_ = "sqlite:" + (dir / "test.db").string();
  } else {
    const char* base = std::getenv("ICRM_TEST_PG_URL");
    if (base == nullptr || *base == '\0') {
      *why = "ICRM_TEST_PG_URL is not set (run through scripts/with-postgres.sh or make test)";
      return nullptr;
    }
    t->admin_url_ = base;
    t->schema_ = "t_" + unique_suffix();
    try {
      soci::session admin(*soci::factory_postgresql(),
                          store::parse_database_url(t->admin_url_)->connect_string);
      admin << "CREATE SCHEMA " + t->schema_;
    } catch (const std::exception& e) {
      *why = std::string("cannot create a test schema: ") + e.what();
      return nullptr;
    }
    char sep = t->admin_url_.find('?') == std::string::npos ? '?' : '&';
    t->url_ = t->admin_url_ + sep + "options=-csearch_path%3D" + t->schema_;
  }
  auto db = store::Database::open({.url = t->url_});
  if (!db) {
    *why = db.error().to_string();
    return nullptr;
  }
  t->db_ = std::move(*db);
  if (migrate) {
    auto applied = t->db_->migrate();
    if (!applied) {
      *why = applied.error().to_string();
      return nullptr;
    }
  }
  return t;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (engine_ == store::Engine::kSqlite) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else if (!schema_.empty()) {
    try {
      soci::session admin(*soci::factory_postgresql(),
                          store::parse_database_url(admin_url_)->connect_string);
      admin << "DROP SCHEMA " + schema_ + " CASCADE";
    } catch (...) {
    }
  }
}

void StoreTest::SetUp() {
  std::string why;
  test_db_ = TestDatabase::create(GetParam(), &why);
  if (!test_db_) {
    if (GetParam() == store::Engine::kPostgres && !postgres_required() &&
        why.find("ICRM_TEST_PG_URL") != std::string::npos) {
      GTEST_SKIP() << why;
    }
    FAIL() << why;
  }
}

std::string engine_name(const ::testing::TestParamInfo<store::Engine>& info) {
  return info.param == store::Engine::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace icrm::testing
