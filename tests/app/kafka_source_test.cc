// The Kafka source against librdkafka's built-in mock cluster (three brokers
// in this process, no network beyond loopback): every event ingested once,
// bad ones rejected without blocking the partition, the message size limit at
// and one past, and a broker failure plus a consumer restart in the middle of
// a stream with nothing lost and nothing counted twice — counted both in the
// events table and in the live stream's stats.
#include "app/kafka_source.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <functional>
#include <thread>

#include "store/event_store.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

constexpr int kBrokers = 3;
constexpr int kPartitions = 2;
constexpr const char* kTopic = "crm-events";
// How long the consumer may take to reach what a test waits for.
constexpr auto kPatience = std::chrono::seconds(60);

class KafkaSourceTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    IngestorOptions o;
    o.resolver.accept_visitors = true;  // visitor:ext:<n> needs no record
    auto started = EventIngestor::start(db(), clock_, bus_, o);
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    ingestor_ = std::move(*started);

    // The producer owns the mock cluster (test.mock.num.brokers).
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char why[512];
    ASSERT_EQ(rd_kafka_conf_set(conf, "test.mock.num.brokers", std::to_string(kBrokers).c_str(),
                                why, sizeof why),
              RD_KAFKA_CONF_OK)
        << why;
    ASSERT_EQ(rd_kafka_conf_set(conf, "log_level", "3", why, sizeof why), RD_KAFKA_CONF_OK) << why;
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    ASSERT_NE(producer_, nullptr) << why;
    cluster_ = rd_kafka_handle_mock_cluster(producer_);
    ASSERT_NE(cluster_, nullptr);
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, kTopic, kPartitions, kBrokers),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  void TearDown() override {
    sources_.clear();
    ingestor_.reset();
    if (producer_ != nullptr) rd_kafka_destroy(producer_);
    StoreTest::TearDown();
  }

  ingest::EventSource& start_source(const std::string& group,
                                    size_t max_message_bytes = kMaxKafkaMessageBytes) {
    KafkaOptions o;
    o.brokers = rd_kafka_mock_cluster_bootstraps(cluster_);
    o.topic = kTopic;
    o.group = group;
    o.max_message_bytes = max_message_bytes;
    o.retry_backoff = std::chrono::milliseconds(50);
    // Short group timeouts: a consumer that left while its coordinator was
    // down is dropped from the group in seconds, not the default 45 s.
    o.properties = {{"log_level", "3"},
                    {"topic.metadata.refresh.interval.ms", "500"},
                    {"session.timeout.ms", "6000"},
                    {"heartbeat.interval.ms", "500"}};
    auto started = start_kafka_source(o, *ingestor_);
    EXPECT_TRUE(started.ok()) << started.error().to_string();
    sources_.push_back(std::move(*started));
    return *sources_.back();
  }

  void produce(const std::string& payload, int32_t partition = RD_KAFKA_PARTITION_UA) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(kTopic), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  }
  void flush() { ASSERT_EQ(rd_kafka_flush(producer_, 30000), RD_KAFKA_RESP_ERR_NO_ERROR); }

  // Event n of the test stream: ids make every event distinct.
  std::string event(int n) const {
    return R"({"id":"k-)" + std::to_string(n) + R"(","entity":"visitor:ext:)" +
           std::to_string(n % 50) + R"(","type":"page_view","ts":"2026-11-23T11:)" +
           std::to_string(10 + n % 40) + R"(:00Z","value":)" + std::to_string(n % 7 + 1) + "}";
  }

  // Events [from, to) as messages of `per_message` NDJSON lines, partitions alternating.
  void produce_events(int from, int to, int per_message) {
    for (int n = from; n < to; n += per_message) {
      std::string body;
      for (int i = n; i < std::min(to, n + per_message); ++i) body += event(i) + "\n";
      produce(body, (n / per_message) % kPartitions);
    }
  }

  // Waits (the consumer runs on its own threads) until `done` holds.
  static bool eventually(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // The live stream's stats once it has applied everything committed.
  StreamStats stream_stats() {
    ingestor_->worker().flush();
    return ingestor_->stats();
  }

  int64_t stored_in_table() {
    auto n = store::EventStore(db()).count();
    EXPECT_TRUE(n.ok()) << n.error().to_string();
    return n.ok() ? *n : -1;
  }

  ManualClock clock_{*parse_timestamp("2026-11-23T12:00:00Z")};
  EventBus bus_;
  std::unique_ptr<EventIngestor> ingestor_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::vector<std::unique_ptr<ingest::EventSource>> sources_;
};

TEST_P(KafkaSourceTest, IngestsEveryEventOnceInEachMessageFormat) {
  constexpr int kEvents = 3000;
  // One object per message, NDJSON batches, and JSON arrays.
  for (int n = 0; n < 100; ++n) produce(event(n));
  produce_events(100, 2000, 50);
  for (int n = 2000; n < kEvents; n += 100) {
    std::string array = "[";
    for (int i = n; i < n + 100; ++i) array += (i == n ? "" : ",") + event(i);
    produce(array + "]");
  }
  flush();
  ingest::EventSource& source = start_source("g1");
  ASSERT_TRUE(eventually([&] { return source.stats().events_stored == kEvents; }))
      << source.stats().events_stored;
  EXPECT_EQ(stored_in_table(), kEvents);
  EXPECT_EQ(stream_stats().total, kEvents);
  EXPECT_EQ(source.stats().events_rejected, 0);
  EXPECT_EQ(source.stats().messages, 100 + 38 + 10);
  EXPECT_TRUE(eventually([&] { return source.stats().commits > 0; }));

  // Another group reads the topic from the start: every event is a re-delivery.
  ingest::EventSource& again = start_source("g2");
  ASSERT_TRUE(eventually([&] { return again.stats().duplicates == kEvents; }))
      << again.stats().duplicates;
  EXPECT_EQ(again.stats().events_stored, 0);
  EXPECT_EQ(stored_in_table(), kEvents);
  EXPECT_EQ(stream_stats().total, kEvents);
}

TEST_P(KafkaSourceTest, BadEventsAreRejectedOneByOneWithoutBlockingThePartition) {
  produce(event(1) + "\n" +
              R"({"entity":"visitor:ext:1","type":"teleport","ts":"2026-11-23T11:00:00Z"})" + "\n" +
              R"({"entity":"lead:999999","type":"page_view","ts":"2026-11-23T11:00:00Z"})" + "\n" +
              event(2),
          0);
  produce("[{\"entity\": ", 0);  // not JSON: the message is skipped whole
  produce("", 0);                // empty
  produce(event(3), 0);          // after them on the same partition
  flush();
  ingest::EventSource& source = start_source("g1");
  ASSERT_TRUE(eventually([&] { return source.stats().events_stored == 3; }));
  ingest::SourceStats s = source.stats();
  EXPECT_EQ(s.events_rejected, 2);  // unknown type, unknown record
  EXPECT_EQ(s.messages_rejected, 2);
  EXPECT_EQ(s.messages, 4);
  EXPECT_EQ(stored_in_table(), 3);
}

TEST_P(KafkaSourceTest, MessageSizeLimitAtTheLimitAndOnePast) {
  const size_t limit = event(1).size();
  ASSERT_EQ(event(2).size(), limit);
  produce(event(1), 0);        // at the limit
  produce(event(2) + " ", 0);  // one byte past (trailing blank: still valid JSON)
  produce(event(3), 0);        // the partition goes on
  flush();
  ingest::EventSource& source = start_source("g1", limit);
  ASSERT_TRUE(eventually([&] { return source.stats().messages == 3; }));
  ASSERT_TRUE(eventually([&] { return source.stats().events_stored == 2; }));
  EXPECT_EQ(source.stats().messages_rejected, 1);
  EXPECT_EQ(stored_in_table(), 2);
}

TEST_P(KafkaSourceTest, BrokerFailureAndConsumerRestartMidStreamLoseNothingAndCountNothingTwice) {
  constexpr int kEvents = 4000;
  // Broker 1 leads both partitions and coordinates the group.
  for (int p = 0; p < kPartitions; ++p) {
    ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster_, kTopic, p, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster_, "group", "g1", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  produce_events(0, kEvents / 2, 20);
  flush();
  ingest::EventSource& first = start_source("g1");
  ASSERT_TRUE(eventually([&] { return first.stats().events_stored == kEvents / 2; }));

  // The leader and coordinator fails; a quarter is sent meanwhile.
  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster_, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  produce_events(kEvents / 2, kEvents * 3 / 4, 20);
  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster_, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  flush();
  // Some of it in, then the consumer restarts in the same group and the last
  // quarter arrives.
  ASSERT_TRUE(eventually([&] { return first.stats().events_stored > kEvents / 2; }));
  sources_.clear();  // stops after the round in flight is stored and committed
  ingest::EventSource& second = start_source("g1");
  produce_events(kEvents * 3 / 4, kEvents, 20);
  flush();
  ASSERT_TRUE(eventually([&] { return stored_in_table() == kEvents; })) << stored_in_table();
  ASSERT_TRUE(eventually([&] { return second.stats().commits > 0; }));
  // A round's rows are in the table before the source counts them (it counts
  // when the ingestor answers), so the count is awaited, not read once.
  EXPECT_TRUE(eventually([&] { return second.stats().events_stored >= kEvents / 4; }))
      << second.stats().events_stored;

  // Exactly once in the log and in the live state, whatever was re-delivered.
  EXPECT_EQ(stored_in_table(), kEvents);
  EXPECT_EQ(stream_stats().total, kEvents);
  EXPECT_EQ(stream_stats().duplicates, 0);
  auto by_type = stream_stats().by_type;
  int64_t page_views = 0;
  for (const auto& [type, n] : by_type) {
    if (type == "page_view") page_views = n;
  }
  EXPECT_EQ(page_views, kEvents);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(KafkaSourceTest);

}  // namespace
}  // namespace icrm::app
