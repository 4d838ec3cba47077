// `insightcrm simulate` and `eval-policy` as a user runs them: a report with
// every policy, a decision log that eval-policy reads, and clear errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SimulateCommandTest, WritesAReportAndALogThatEvalPolicyReads) {
  icrm::testing::TempDir dir("icrm-simulate");
  const std::string report = dir.path("sim.json"), log = dir.path("log.jsonl"),
                    ope = dir.path("ope.json");
  auto r = icrm::testing::run_cli({"simulate", "--days", "15", "--seeds", "2", "--leads-per-day",
                                   "8", "--report", report, "--log", log});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("bandit"), std::string::npos);
  auto v = boost::json::parse(read_file(report));
  for (const char* p : {"random", "rules", "bandit"})
    EXPECT_TRUE(v.at("policies").at(p).as_object().contains("conversion_rate")) << p;

  auto e = icrm::testing::run_cli({"eval-policy", "--log", log, "--report", ope});
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_NE(e.out.find("120 logged decisions"), std::string::npos) << e.out;
  auto o = boost::json::parse(read_file(ope));
  for (const char* p : {"random", "rules", "bandit"})
    for (const char* k : {"ips", "snips", "dr"})
      EXPECT_TRUE(o.at("policies").at(p).as_object().contains(k)) << p << "." << k;
}

TEST(SimulateCommandTest, BadInputIsAClearUsageError) {
  auto r = icrm::testing::run_cli({"simulate", "--days", "3651"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("--days"), std::string::npos) << r.out << r.err;
  auto missing = icrm::testing::run_cli({"eval-policy", "--log", "/nonexistent/decisions.jsonl"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read /nonexistent/decisions.jsonl"), std::string::npos)
      << missing.err;
  auto help = icrm::testing::run_cli({"simulate", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Table VI"), std::string::npos);
}

}  // namespace
