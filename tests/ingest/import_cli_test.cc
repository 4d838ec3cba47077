// The import as a user runs it: the binary as a subprocess, killed mid-way and
// run again.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/ingest/import_test_util.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

using icrm::testing::run_cli;
using testing::TempDir;

// Starts the binary with `args`, its output thrown away; its pid (-1: fork failed).
pid_t spawn_quiet(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {ICRM_BINARY};
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  pid_t child = fork();
  if (child == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(ICRM_BINARY, const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  return child;
}

class ImportCliTest : public icrm::testing::StoreTest {
 protected:
  long long count(const std::string& sql) {
    auto l = db().lease();
    long long n = 0;
    **l << sql, soci::into(n);
    return n;
  }
  TempDir dir_;
};

TEST_P(ImportCliTest, KilledImportLeavesWholeBatchesAndARerunCompletesWithoutDuplicates) {
  constexpr int kRows = 200'000;
  constexpr int kBatch = 1'000;
  std::string text = "sku,name,unit_price,colour\n";
  text.reserve(kRows * 32);
  for (int i = 0; i < kRows; ++i)
    text += "P" + std::to_string(1'000'000 + i) + ",Product " + std::to_string(i) + ",1.25,red\n";
  auto file = dir_.write("products.csv", text);

  pid_t child = spawn_quiet({"import", "--db", db_url(), "--kind", "products", "--file", file,
                             "--batch-rows", std::to_string(kBatch)});
  ASSERT_GE(child, 0);
  // Wait until a few batches are committed, then kill it without warning.
  long long seen = 0;
  int status = 0;
  bool exited = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(child, &status, WNOHANG) == child) {
      exited = true;
      break;
    }
    seen = count("SELECT COUNT(*) FROM products");
    if (seen >= 3 * kBatch) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(exited) << "the import finished before it could be killed";
  ASSERT_EQ(kill(child, SIGKILL), 0);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  long long stored = count("SELECT COUNT(*) FROM products");
  EXPECT_GT(stored, 0);
  EXPECT_LT(stored, kRows) << "killed too late to show anything";
  EXPECT_EQ(stored % kBatch, 0) << "a batch was half written";
  EXPECT_EQ(count("SELECT COUNT(*) FROM products WHERE name IS NULL OR unit_price_minor <> 125"),
            0);

  auto rerun = run_cli({"import", "--db", db_url(), "--kind", "products", "--file", file,
                        "--on-duplicate", "skip", "--batch-rows", std::to_string(kBatch)});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(rerun.out, "{\"rows\":200000,\"imported\":" + std::to_string(kRows - stored) +
                           ",\"updated\":0,\"skipped\":" + std::to_string(stored) +
                           ",\"rejected\":0,\"seconds\":" +
                           rerun.out.substr(rerun.out.find("\"seconds\":") + 10));
  EXPECT_EQ(count("SELECT COUNT(*) FROM products"), kRows);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT sku) FROM products"), kRows);
}

TEST_P(ImportCliTest, SummaryLineRejectsFileAndExitCodes) {
  auto file = dir_.write("c.csv", "external_id,name,email\nC1,Ada,ada@example.com\nC2,Bob,bob\n");
  auto rejects = dir_.path("rejects.csv");
  auto r = run_cli(
      {"import", "--db", db_url(), "--kind", "customers", "--file", file, "--rejects", rejects});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("\"seconds\"")),
            R"({"rows":2,"imported":1,"updated":0,"skipped":0,"rejected":1,)");
  EXPECT_NE(r.err.find("rejected: row 2 (line 3), column 'email': 'bob' is not an email address"),
            std::string::npos)
      << r.err;
  EXPECT_NE(testing::read_file(rejects).find("C2,Bob,bob,"), std::string::npos);

  r = run_cli({"import", "--db", db_url(), "--kind", "customers", "--file", file, "--atomic",
               "--on-duplicate", "update"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--atomic: 1 row(s) rejected, nothing was stored"), std::string::npos)
      << r.err;

  r = run_cli({"import", "--db", db_url(), "--kind", "gadgets", "--file", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown kind 'gadgets'"), std::string::npos);

  r = run_cli({"export", "--db", db_url(), "--kind", "customers", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.substr(0, 50), R"({"external_id":"C1","name":"Ada","email":"ada@exam)");
}

// `insightcrm export` used to write formula-like text raw, for a
// spreadsheet to run; it now guards it as GET /api/v1/customers.csv does.
TEST_P(ImportCliTest, CsvExportNeutralisesFormulas) {
  auto file = dir_.write("c.csv",
                         "external_id,name,company\n"
                         "C1,\"=HYPERLINK(\"\"http://x\"\")\",\" +cmd\"\n");
  auto r = run_cli({"import", "--db", db_url(), "--kind", "customers", "--file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = dir_.path("out.csv");
  r = run_cli({"export", "--db", db_url(), "--kind", "customers", "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string csv = testing::read_file(out);
  EXPECT_NE(csv.find(R"x(C1,"'=HYPERLINK(""http://x"")",)x"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'+cmd"), std::string::npos) << csv;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ImportCliTest);

// `dataset load` into a fresh SQLite file has it to itself and writes through
// the rollback journal (BulkWriter::use_rollback_journal). Killed mid-load,
// it leaves a hot journal: the next connection rolls the file back to empty,
// and a re-run loads everything, ending in WAL.
TEST(DatasetCliTest, KilledFirstLoadIntoAFreshFileRollsBackAndARerunCompletes) {
  constexpr int kLines = 300'000;
  TempDir dir;
  std::string text =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
  text.reserve(kLines * 80);
  for (int i = 0; i < kLines; ++i) {
    text += fmt::format("{},{},Thing {},{},2011-0{}-1{} 1{}:{:02}:00,1.25,{},United Kingdom\n",
                        500000 + i / 4, 10000 + i % 3000, i % 3000, 1 + i % 5, 1 + i / 50000,
                        i / 30000 % 10, i % 10, i % 60, 12000 + i % 4000);
  }
  auto file = dir.write("retail.csv", text);
  std::string db_path = dir.path("fresh.db");
  std::string url = "sqlite:" + db_path;

  pid_t child = spawn_quiet({"dataset", "load", "online-retail", "--db", url, "--file", file});
  ASSERT_GE(child, 0);
  // The journal appears with the load's first write; let it write for a
  // while (the file grows past its schema), then kill it without warning.
  int status = 0;
  bool exited = false, journal_seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(child, &status, WNOHANG) == child) {
      exited = true;
      break;
    }
    std::error_code ec;
    journal_seen = journal_seen || std::filesystem::exists(db_path + "-journal", ec);
    if (journal_seen && std::filesystem::file_size(db_path, ec) > (4u << 20)) break;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  ASSERT_FALSE(exited) << "the load finished before it could be killed";
  ASSERT_TRUE(journal_seen) << "the load did not take the rollback journal";
  ASSERT_EQ(kill(child, SIGKILL), 0);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(std::filesystem::exists(db_path + "-journal")) << "no hot journal left";

  auto count = [&](const std::string& sql) {
    auto db = store::Database::open({.url = url});
    EXPECT_TRUE(db) << db.error().to_string();
    long long n = -1;
    **(*db)->lease() << sql, soci::into(n);
    return n;
  };
  // Rolled back whole: not one line, product or customer of the load.
  EXPECT_EQ(count("SELECT COUNT(*) FROM transactions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM products"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 0);

  auto rerun = run_cli({"dataset", "load", "online-retail", "--db", url, "--file", file});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(
      rerun.out.substr(0, rerun.out.find(",\"seconds\"")),
      fmt::format(R"({{"rows":{0},"imported":{0},"updated":0,"skipped":0,"rejected":0)", kLines));
  EXPECT_EQ(count("SELECT COUNT(*) FROM transactions"), kLines);
  EXPECT_EQ(count("SELECT COUNT(*) FROM products"), 3000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 4000);
  auto db = store::Database::open({.url = url});
  ASSERT_TRUE(db);
  std::string mode;
  **(*db)->lease() << "PRAGMA journal_mode", soci::into(mode);
  EXPECT_EQ(mode, "wal");
  EXPECT_FALSE(std::filesystem::exists(db_path + "-journal"));
  // The completed load is audited once (in the load's own last transaction),
  // the killed one not at all.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM audit_log WHERE action = 'dataset-load' AND entity = 'dataset' "
            "AND after_json LIKE '%\"imported\":300000%'"),
      1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 1);
}

}  // namespace
}  // namespace icrm::ingest
