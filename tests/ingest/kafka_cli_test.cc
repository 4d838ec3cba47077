// `insightcrm serve`'s Kafka options, as an operator meets them: the help
// teaches the section, and half a configuration is refused before anything
// starts.
#include <gtest/gtest.h>

#include "tests/cli/cli_runner.h"

namespace icrm {
namespace {

using testing::run_cli;

TEST(KafkaCliTest, ServeHelpTeachesTheKafkaOptions) {
  auto r = run_cli({"serve", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"--kafka-brokers", "--kafka-topic", "--kafka-group",
                               "--kafka-max-message", "committed only after the events are durably",
                               "not counted twice", "never\nblocks the partition"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST(KafkaCliTest, BrokersWithoutATopicAreRefused) {
  auto r = run_cli(
      {"serve", "--db", "sqlite::memory:", "--port", "0", "--kafka-brokers", "127.0.0.1:9"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--kafka-brokers and --kafka-topic go together"), std::string::npos)
      << r.err;
}

TEST(KafkaCliTest, MaxMessageOnePastTheLimitIsRefused) {
  auto past = run_cli({"serve", "--db", "sqlite::memory:", "--kafka-brokers", "127.0.0.1:9",
                       "--kafka-topic", "t", "--kafka-max-message", "16777217"});
  EXPECT_NE(past.exit_code, 0);
  EXPECT_NE((past.out + past.err).find("kafka-max-message"), std::string::npos)
      << past.out << past.err;
}

}  // namespace
}  // namespace icrm
