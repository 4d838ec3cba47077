// KafkaSource: consumes events from a Kafka topic with librdkafka (the
// header rdkafka.h stays inside kafka_source.cc) — `serve --kafka-brokers B
// --kafka-topic T [--kafka-group G]`.
//
// A message is what POST /api/v1/events takes: one JSON event object, NDJSON
// (one event per line) or a JSON array of events. It goes through the same
// reading, validation and EventIngestor path; bad events are rejected one by
// one, logged with topic/partition/offset, item and reason, and counted —
// they never block the partition. A message that cannot be read at all
// (past kMaxKafkaMessageBytes, malformed JSON array, past
// kMaxEventsPerRequest events) is rejected whole the same way.
//
// Delivery: at least once, deduplicated. Auto-commit is off. The consumer
// thread takes a round of messages (up to kMaxKafkaMessagesPerRound, or what
// arrived within one poll), ingests them, waits until the appender has made
// them durable, and only then commits the offsets past them (synchronously).
// A crash or a broker failure before the commit re-delivers the round; the
// events' ids (content-derived when absent) make the re-delivery duplicates,
// neither stored nor counted twice. When the log refuses a round (database
// down, queue full) the same messages are retried after a backoff, so the
// offset never moves past an event that is not stored.
//
// Thread-safety: see EventSource. REQUIRES: the ingestor outlives the source.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/event_ingestor.h"
#include "core/result.h"
#include "ingest/event_source.h"

namespace icrm::app {

// A message larger than this is rejected whole (and its offset committed);
// the same bound as an HTTP event batch.
inline constexpr size_t kMaxKafkaMessageBytes = 16 * 1024 * 1024;
// Messages ingested (and committed) together; a round is also closed by a
// poll that finds nothing more waiting.
inline constexpr size_t kMaxKafkaMessagesPerRound = 1000;
// Events in one round; the round closes at the message that reaches it.
inline constexpr size_t kMaxKafkaEventsPerRound = 50000;
// Rejections logged one by one per message; the rest are summed up in one line.
inline constexpr size_t kMaxLoggedRejectionsPerMessage = 10;

struct KafkaOptions {
  std::string brokers;  // bootstrap.servers, "host:port[,host:port...]"
  std::string topic;
  std::string group = "insightcrm";  // group.id: consumers of one group share the partitions
  size_t max_message_bytes = kMaxKafkaMessageBytes;
  std::chrono::milliseconds poll_timeout{100};
  std::chrono::milliseconds retry_backoff{500};  // after the log refused a round
  // Extra librdkafka properties (name, value), e.g. security settings; tests
  // tune timeouts with them.
  std::vector<std::pair<std::string, std::string>> properties;
};

// Creates the consumer, subscribes to the topic and starts the consumer
// thread. Errors: invalid_argument for an empty broker list or topic, a
// group or property librdkafka refuses (with its message).
Result<std::unique_ptr<ingest::EventSource>> start_kafka_source(const KafkaOptions& options,
                                                                EventIngestor& ingestor);

}  // namespace icrm::app
