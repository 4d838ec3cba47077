// serve's webhook settings are checked before anything starts: a bad
// --webhook-allow network, or one too many, is a clear error naming it.
#include <gtest/gtest.h>

#include "notify/egress_policy.h"
#include "tests/cli/cli_runner.h"

namespace icrm::cli {
namespace {

using testing::run_cli;

TEST(WebhookSettings, ABadAllowNetworkIsRefusedNamingTheSetting) {
  // Refused before the database is opened or a port taken (an unknown engine,
  // so that a check that let it through fails fast instead of serving).
  auto typo = run_cli({"serve", "--db", "nosuch-engine:x", "--port", "0", "--webhook-allow",
                       "10.0.0.0/8", "--webhook-allow", "10.0.0.1/8"});
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("--webhook-allow #2"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find("10.0.0.0/8?"), std::string::npos) << typo.err;
}

TEST(WebhookSettings, OneAllowNetworkPastTheLimitIsRefused) {
  std::vector<std::string> args = {"serve", "--db", "nosuch-engine:x", "--port", "0"};
  for (size_t i = 0; i <= notify::kMaxWebhookAllowRules; ++i) {
    args.push_back("--webhook-allow");
    args.push_back("10.0." + std::to_string(i) + ".0/24");
  }
  auto past = run_cli(args);
  EXPECT_NE(past.exit_code, 0);
  EXPECT_NE(past.err.find("at most 64"), std::string::npos) << past.err;
}

}  // namespace
}  // namespace icrm::cli
