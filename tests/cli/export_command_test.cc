// `insightcrm export` run as a subprocess on both engines: each export is an
// audit entry naming the OS account, the kind, the format, where it went and
// how many records, never the records.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "store/audit_log.h"
#include "store/customer_store.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm::cli {
namespace {

using testing::run_cli;

class ExportCommandTest : public testing::StoreTest {
 protected:
  void add_customer(const std::string& name) {
    store::Customer c;
    c.name = name;
    ASSERT_TRUE(
        store::CustomerStore(db(), SystemClock::instance()).create(store::Actor::system(), c).ok());
  }
  std::vector<store::AuditEntry> exports() {
    store::ListQuery q;
    q.filters = {{"action", "export"}};
    q.sort = "id";
    auto page = store::AuditLog(db(), SystemClock::instance()).list(q);
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    return page.ok() ? page->items : std::vector<store::AuditEntry>{};
  }
  testing::TempDir dir_{"icrm-export"};
};

TEST_P(ExportCommandTest, EachExportIsAuditedWithItsCountNotItsData) {
  add_customer("Ada Secretvalue");
  add_customer("Grace Secretvalue");
  std::string file = dir_.path("customers.csv");
  auto run = run_cli({"export", "--db", db_url(), "--kind", "customers", "-o", file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto jsonl = run_cli({"export", "--db", db_url(), "--kind", "customers", "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  ASSERT_NE(jsonl.out.find("Ada Secretvalue"), std::string::npos);

  auto entries = exports();
  ASSERT_EQ(entries.size(), 2u);
  const auto& to_file = entries[0];
  EXPECT_EQ(to_file.entity, "customers");
  EXPECT_FALSE(to_file.user_id.has_value()) << "no signed-in user: the system, with its OS user";
  const auto& after = to_file.after.as_object();
  EXPECT_EQ(after.at("records").as_int64(), 2);
  EXPECT_EQ(after.at("format").as_string(), "csv");
  EXPECT_EQ(after.at("via").as_string(), "cli");
  EXPECT_EQ(after.at("output").as_string(), file);
  EXPECT_FALSE(after.at("os_user").as_string().empty());
  EXPECT_EQ(entries[1].after.as_object().at("output").as_string(), "stdout");
  EXPECT_EQ(entries[1].after.as_object().at("format").as_string(), "jsonl");
  for (const auto& e : entries) {
    std::string text = boost::json::serialize(e.after);
    EXPECT_EQ(text.find("ecretvalue"), std::string::npos) << text;
  }
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ExportCommandTest);

}  // namespace
}  // namespace icrm::cli
