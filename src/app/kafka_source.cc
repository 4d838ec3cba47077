#include "app/kafka_source.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace icrm::app {
namespace {

// The thin RAII layer over librdkafka's C handles.
struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct PartitionsDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using KafkaPartitions = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionsDeleter>;

Result<void> set_property(rd_kafka_conf_t* conf, const std::string& name,
                          const std::string& value) {
  char why[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), why, sizeof why) != RD_KAFKA_CONF_OK) {
    return Error::invalid("Kafka property " + name + ": " + why, "kafka");
  }
  return {};
}

// librdkafka's own log lines (syslog levels) go to the server's log.
void log_to_spdlog(const rd_kafka_t*, int level, const char* facility, const char* message) {
  auto spd = level <= 3   ? spdlog::level::err
             : level <= 5 ? spdlog::level::warn
                          : spdlog::level::debug;
  spdlog::log(spd, "kafka {}: {}", facility, message);
}

void error_to_spdlog(rd_kafka_t*, int err, const char* reason, void*) {
  spdlog::warn("kafka: {} ({})", reason, rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

// One message of a round and what became of it.
struct RoundItem {
  KafkaMessage message;
  std::optional<ingest::ParsedEvents> parsed;  // read, not yet handed to the ingestor
  bool done = false;                           // durable (or rejected whole): nothing left to do
};

class KafkaSource final : public ingest::EventSource {
 public:
  KafkaSource(KafkaOptions options, EventIngestor& ingestor, KafkaHandle consumer)
      : options_(std::move(options)), ingestor_(ingestor), consumer_(std::move(consumer)) {
    thread_ = std::thread([this] { run(); });
  }

  ~KafkaSource() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    // Leaves the group now instead of after the session timeout.
    rd_kafka_consumer_close(consumer_.get());
  }

  std::string_view name() const override { return "kafka"; }

  ingest::SourceStats stats() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  bool stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
  }

  void run() {
    while (!stopping()) {
      std::vector<RoundItem> round = poll_round();
      if (round.empty()) continue;
      while (!ingest_round(round)) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          ++stats_.ingest_retries;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        // Stopping with a round not durable: its offsets stay uncommitted,
        // so the group's next consumer gets it again.
        if (wake_.wait_for(lock, options_.retry_backoff, [this] { return stopping_; })) return;
      }
      commit(round);
    }
  }

  // Waits up to the poll timeout for a first message, then takes what is
  // already waiting, up to the round's bounds.
  std::vector<RoundItem> poll_round() {
    std::vector<RoundItem> round;
    size_t events = 0;
    auto timeout = static_cast<int>(options_.poll_timeout.count());
    while (round.size() < kMaxKafkaMessagesPerRound && events < kMaxKafkaEventsPerRound) {
      KafkaMessage m(rd_kafka_consumer_poll(consumer_.get(), round.empty() ? timeout : 0));
      if (!m) break;
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          spdlog::warn("kafka: consumer error: {}", rd_kafka_message_errstr(m.get()));
        }
        continue;
      }
      RoundItem item{std::move(m)};
      read(item);
      if (item.parsed) events += item.parsed->events.size();
      round.push_back(std::move(item));
    }
    return round;
  }

  std::string where(const rd_kafka_message_t& m) const {
    return options_.topic + "[" + std::to_string(m.partition) + "]@" + std::to_string(m.offset);
  }

  // Reads the message's events, or rejects it whole (done, nothing to store).
  void read(RoundItem& item) {
    const rd_kafka_message_t& m = *item.message;
    std::string_view body(static_cast<const char*>(m.payload), m.payload ? m.len : 0);
    Result<ingest::ParsedEvents> parsed = Error::invalid("the message is empty", "body");
    if (body.size() > options_.max_message_bytes) {
      parsed = Error::too_large("the message has " + std::to_string(body.size()) +
                                    " bytes, more than the limit of " +
                                    std::to_string(options_.max_message_bytes),
                                "body");
    } else if (size_t first = body.find_first_not_of(" \t\r\n"); first != std::string_view::npos) {
      auto format = body[first] == '[' ? ingest::EventBodyFormat::kJsonArray
                                       : ingest::EventBodyFormat::kNdjson;
      parsed = ingest::read_events(body, format, *ingestor_.types(), ingestor_.clock());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!item.parsed) ++stats_.messages;
    if (!parsed) {
      spdlog::warn("kafka {}: message rejected: {}", where(m), parsed.error().message);
      ++stats_.messages_rejected;
      item.done = true;
      return;
    }
    item.parsed = std::move(*parsed);
  }

  void log_rejections(const rd_kafka_message_t& m,
                      const std::vector<ingest::EventRejection>& rejected) {
    for (size_t i = 0; i < rejected.size() && i < kMaxLoggedRejectionsPerMessage; ++i) {
      const ingest::EventRejection& r = rejected[i];
      spdlog::warn("kafka {} event {}: rejected{}{}: {}", where(m), r.index,
                   r.field.empty() ? "" : " at ", r.field, r.reason);
    }
    if (rejected.size() > kMaxLoggedRejectionsPerMessage) {
      spdlog::warn("kafka {}: and {} more events rejected", where(m),
                   rejected.size() - kMaxLoggedRejectionsPerMessage);
    }
  }

  // Hands every message not yet durable to the ingestor and waits until all
  // are durable; false when any failed (those stay not done, to retry).
  bool ingest_round(std::vector<RoundItem>& round) {
    std::vector<std::pair<RoundItem*, std::future<Result<IngestReport>>>> waiting;
    for (RoundItem& item : round) {
      if (item.done) continue;
      if (!item.parsed) read(item);  // a retry: the first reading went to the ingestor
      if (item.done) continue;
      // The registry the ingestor validates with; read() used the same one
      // unless an admin registered a type since, which only adds names.
      auto promise = std::make_shared<std::promise<Result<IngestReport>>>();
      waiting.emplace_back(&item, promise->get_future());
      ingest::ParsedEvents parsed = std::move(*item.parsed);
      item.parsed.reset();
      ingestor_.ingest(std::move(parsed), ingestor_.types(),
                       [promise](Result<IngestReport> r) { promise->set_value(std::move(r)); });
    }
    bool all = true;
    for (auto& [item, answer] : waiting) {
      Result<IngestReport> report = answer.get();
      if (!report) {
        spdlog::warn("kafka {}: not stored, will retry: {}", where(*item->message),
                     report.error().to_string());
        all = false;
        continue;
      }
      item->done = true;
      log_rejections(*item->message, report->rejected);
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.events_received += static_cast<int64_t>(report->received);
      stats_.events_stored += static_cast<int64_t>(report->accepted);
      stats_.duplicates += static_cast<int64_t>(report->duplicates);
      stats_.events_rejected += static_cast<int64_t>(report->rejected.size());
    }
    return all;
  }

  // Commits, per partition, the offset after the round's last message.
  void commit(const std::vector<RoundItem>& round) {
    std::map<int32_t, int64_t> next;
    for (const RoundItem& item : round) {
      int64_t& n = next[item.message->partition];
      n = std::max(n, item.message->offset + 1);
    }
    KafkaPartitions offsets(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
    for (const auto& [partition, offset] : next) {
      rd_kafka_topic_partition_list_add(offsets.get(), options_.topic.c_str(), partition)->offset =
          offset;
    }
    rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), offsets.get(), /*async=*/0);
    std::lock_guard<std::mutex> lock(mutex_);
    if (err) {
      // The events are stored; a re-delivery of them will be recognised.
      spdlog::warn("kafka: offset commit failed: {}", rd_kafka_err2str(err));
      ++stats_.commit_failures;
      return;
    }
    ++stats_.commits;
  }

  const KafkaOptions options_;
  EventIngestor& ingestor_;
  KafkaHandle consumer_;  // consumer thread only, after construction
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;      // GUARDED_BY(mutex_)
  ingest::SourceStats stats_;  // GUARDED_BY(mutex_)
  std::thread thread_;         // last: starts after the members above exist
};

}  // namespace

Result<std::unique_ptr<ingest::EventSource>> start_kafka_source(const KafkaOptions& options,
                                                                EventIngestor& ingestor) {
  if (options.brokers.empty()) return Error::invalid("--kafka-brokers is empty", "kafka-brokers");
  if (options.topic.empty()) return Error::invalid("--kafka-topic is empty", "kafka-topic");
  if (options.group.empty()) return Error::invalid("--kafka-group is empty", "kafka-group");
  KafkaConf conf(rd_kafka_conf_new());
  const std::pair<std::string, std::string> fixed[] = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group},
      {"client.id", "insightcrm"},
      // Offsets move only when the events are durable (commit() above).
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // A new group starts at the beginning of the topic: nothing is skipped.
      {"auto.offset.reset", "earliest"},
  };
  for (const auto& [name, value] : fixed) {
    if (auto s = set_property(conf.get(), name, value); !s) return s.error();
  }
  for (const auto& [name, value] : options.properties) {
    if (auto s = set_property(conf.get(), name, value); !s) return s.error();
  }
  rd_kafka_conf_set_log_cb(conf.get(), log_to_spdlog);
  rd_kafka_conf_set_error_cb(conf.get(), error_to_spdlog);
  char why[512];
  // rd_kafka_new takes the configuration only when it succeeds.
  KafkaHandle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), why, sizeof why));
  if (!consumer) return Error::invalid(std::string("Kafka consumer: ") + why, "kafka");
  conf.release();
  rd_kafka_poll_set_consumer(consumer.get());
  KafkaPartitions topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), options.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer.get(), topics.get())) {
    return Error::invalid("Kafka topic " + options.topic + ": " + rd_kafka_err2str(err),
                          "kafka-topic");
  }
  spdlog::info("kafka: consuming topic {} from {} as group {} (offsets committed after storing)",
               options.topic, options.brokers, options.group);
  return std::unique_ptr<ingest::EventSource>(
      std::make_unique<KafkaSource>(options, ingestor, std::move(consumer)));
}

}  // namespace icrm::app
