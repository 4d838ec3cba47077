// `insightcrm train` and `predict` as a user runs them: results on good input,
// a clear message and a non-zero exit (never a crash) on bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_runner.h"
#include "tests/models/synthetic.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Splits `args` on spaces (the test's paths contain none).
Run run(const std::string& args) {
  std::vector<std::string> argv;
  std::stringstream ss(args);
  for (std::string a; ss >> a;) argv.push_back(a);
  auto r = icrm::testing::run_cli(argv);
  return {r.exit_code, r.out + r.err};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { write("leads.csv", icrm::models::testing::synthetic_csv(1500)); }
  std::string path(const std::string& name) { return dir_.path(name); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(path(name)) << text;
  }
  std::string read(const std::string& name) {
    std::stringstream ss;
    ss << std::ifstream(path(name)).rdbuf();
    return ss.str();
  }
  icrm::testing::TempDir dir_{"icrm-cli"};
};

TEST_F(CliTest, TrainPrintsTheComparisonAndPredictScores) {
  auto t = run("train --csv " + path("leads.csv") + " --target converted --out " + path("m.json") +
               " --report " + path("r.json"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  for (const char* kind :
       {"rule", "weighted", "lr", "hybrid", "gbdt", "ROC-AUC", "rule baseline F1"})
    EXPECT_NE(t.output.find(kind), std::string::npos) << kind;
  EXPECT_NE(read("r.json").find("\"roc_auc\""), std::string::npos);

  auto p = run("predict --model " + path("m.json") + " --csv " + path("leads.csv") + " --out " +
               path("s.csv"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  std::string scores = read("s.csv");
  EXPECT_EQ(scores.substr(0, scores.find('\n')),
            "lead id,visits,plan,opened,region,converted,probability,score,rank,tier,top_factors");
  EXPECT_EQ(std::count(scores.begin(), scores.end(), '\n'), 1501);
  EXPECT_NE(scores.find(",1,"), std::string::npos);  // someone has rank 1
  EXPECT_NE(scores.find("plan="), std::string::npos);
  EXPECT_NE(scores.find("hot"), std::string::npos);
}

TEST_F(CliTest, BadInputIsAClearMessageAndNonZeroExit) {
  write("empty.csv", "");
  write("header.csv", "a,b,y\n");
  write("one.csv", "a,y\n1,no\n2,no\n3,no\n");
  write("garbage.json",
        "{\"format\": \"insightcrm-model\", \"format_version\": 1, \"features\": [");
  write("v9.json", "{\"format\": \"insightcrm-model\", \"format_version\": 9}");
  write("other.csv", "x,y\n1,2\n");
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"train --csv " + path("empty.csv") + " --target y", "empty"},
      {"train --csv " + path("header.csv") + " --target y", "no data rows"},
      {"train --csv " + path("one.csv") + " --target y", "one value only"},
      {"train --csv " + path("leads.csv") + " --target nope", "not in the CSV"},
      {"train --csv " + path("missing.csv") + " --target y", "cannot open"},
      {"predict --model " + path("garbage.json") + " --csv " + path("leads.csv"), "not valid JSON"},
      {"predict --model " + path("v9.json") + " --csv " + path("leads.csv"), "format version 9"},
  };
  for (const auto& c : cases) {
    auto r = run(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_LT(r.exit_code, 128) << "crashed: " << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  auto t = run("train --csv " + path("leads.csv") + " --target converted --model lr --out " +
               path("m.json"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  auto mismatch = run("predict --model " + path("m.json") + " --csv " + path("other.csv") +
                      " --out " + path("s.csv"));
  EXPECT_NE(mismatch.exit_code, 0);
  EXPECT_NE(mismatch.output.find("lacks column"), std::string::npos) << mismatch.output;
}

}  // namespace
