#include <malloc.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "api/api_router.h"
#include "api/auth/client_address.h"
#include "api/http_server.h"
#include "api/limits.h"
#include "api/metrics.h"
#include "api/sse_hub.h"
#include "app/decision_service.h"
#include "app/event_ingestor.h"
#include "app/kafka_source.h"
#include "app/live_scorer.h"
#include "app/outcome_sweeper.h"
#include "app/score_subscriber.h"
#include "cli/command.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "notify/http_poster.h"
#include "notify/webhook_worker.h"
#include "store/database.h"

namespace icrm::cli {

namespace {

// Fixed glibc malloc thresholds for the server. Each group commit of the event
// log hands the stream thread a vector of up to ~1 MB of events, which that
// thread frees; under glibc's adaptive thresholds the freed top of the
// writer's heap went back to the kernel and the next commit grew it again
// (mprotect calls and page faults under malloc: ~1.5 % of the writer thread's
// profile, gone with these settings; bench/README.md "Page size and a cheaper
// load generator"). Up to
// kMallocTrimBytes free at the top of an arena now stay; blocks above
// kMallocMmapBytes are still mapped and unmapped on their own.
constexpr int kMallocTrimBytes = 16 << 20;
constexpr int kMallocMmapBytes = 4 << 20;
void keep_freed_memory() {
  mallopt(M_TRIM_THRESHOLD, kMallocTrimBytes);
  mallopt(M_MMAP_THRESHOLD, kMallocMmapBytes);
}

// I/O threads when --threads is 0 (default): at least this many, or two per core.
constexpr unsigned kMinDefaultIoThreads = 8;

struct ServeOptions {
  DbOption db;
  api::ServerOptions server;
  std::string web_dir = "web/dist";
  bool accept_visitors = false;
  app::KafkaOptions kafka;  // consumed only when kafka.brokers is set
  double score_interval_s = std::chrono::duration<double>(app::kDefaultScoreInterval).count();
  api::SseOptions sse;
  int64_t sse_heartbeat_ms = api::kDefaultSseHeartbeat.count();
  int64_t outcome_sweep_s = app::OutcomeSweepOptions{}.interval.count();
  bool webhook_allow_http = false;
  std::vector<std::string> webhook_allow;  // CIDRs webhooks may reach though internal
  // Sign-in and credentials.
  bool secure_cookies = false;
  std::string trusted_proxy;
  std::string security_log;
  int64_t session_hours = api::auth::kSessionLifetime.count();
  int64_t session_idle_minutes = api::auth::kSessionIdleTimeout.count();
  int64_t api_token_days = api::auth::kApiTokenLifetime.count();
  int64_t api_token_max_days = api::auth::kMaxApiTokenLifetime.count();
};

// Expired sessions and idle sign-in counters are deleted this often.
constexpr std::chrono::minutes kAuthPurgeInterval{5};
// The security log rotates at this size, keeping this many old files.
constexpr std::size_t kSecurityLogBytes = 10 << 20;
constexpr std::size_t kSecurityLogFiles = 5;

// The sign-in settings of `o`; the security log opened when one is named.
Result<api::auth::AuthConfig> auth_config(const ServeOptions& o) {
  api::auth::AuthConfig config;
  config.session_lifetime = std::chrono::hours(o.session_hours);
  config.session_idle_timeout = std::chrono::minutes(o.session_idle_minutes);
  config.api_token_lifetime = std::chrono::days(o.api_token_days);
  config.max_api_token_lifetime = std::chrono::days(o.api_token_max_days);
  if (!o.security_log.empty()) {
    try {
      config.security_log = spdlog::rotating_logger_mt("security", o.security_log,
                                                       kSecurityLogBytes, kSecurityLogFiles);
      config.security_log->flush_on(spdlog::level::info);
    } catch (const spdlog::spdlog_ex& e) {
      return Error::invalid("cannot open the security log: " + std::string(e.what()),
                            "security-log");
    }
  }
  return config;
}

constexpr const char* kKafkaHelp =
    R"(Kafka (optional): with --kafka-brokers and --kafka-topic the server also
consumes events from a Kafka topic, through the same validation and durable
ingest as POST /api/v1/events. Each message is one JSON event, NDJSON (one
event per line) or a JSON array, e.g.
  {"id":"evt-1","entity":"lead:42","type":"page_view","ts":"2026-11-23T12:00:00Z"}
Offsets are committed only after the events are durably stored, so a crash
re-delivers at most the last round; re-delivered events are recognised by
their id (or their content when they have none) and not counted twice. Give
events an id when the producer may send the same event twice on purpose.
A bad event is logged with topic[partition]@offset, its index and the reason,
counted in /metrics (icrm_kafka_events_rejected_total), and skipped: it never
blocks the partition. A message over --kafka-max-message bytes is skipped whole.
Several servers with the same --kafka-group share the topic's partitions.
  insightcrm serve --kafka-brokers kafka1:9092,kafka2:9092 --kafka-topic crm-events
)";

// /metrics counters for the Kafka consumer.
void add_kafka_metrics(api::Metrics& metrics, const ingest::EventSource& source) {
  using Field = int64_t ingest::SourceStats::*;
  const std::tuple<const char*, const char*, Field> counters[] = {
      {"icrm_kafka_messages_total", "Kafka messages consumed.", &ingest::SourceStats::messages},
      {"icrm_kafka_messages_rejected_total",
       "Kafka messages skipped whole (oversize, not JSON, too many events).",
       &ingest::SourceStats::messages_rejected},
      {"icrm_kafka_events_stored_total", "Events from Kafka newly stored.",
       &ingest::SourceStats::events_stored},
      {"icrm_kafka_events_duplicate_total", "Events from Kafka already in the log (re-deliveries).",
       &ingest::SourceStats::duplicates},
      {"icrm_kafka_events_rejected_total", "Events from Kafka rejected (logged with the reason).",
       &ingest::SourceStats::events_rejected},
      {"icrm_kafka_commits_total", "Offset commits after the events were durable.",
       &ingest::SourceStats::commits},
      {"icrm_kafka_commit_failures_total", "Offset commits the cluster refused.",
       &ingest::SourceStats::commit_failures},
  };
  for (const auto& [name, help, field] : counters) {
    metrics.add_counter(name, help, [&source, field = field] { return source.stats().*field; });
  }
}

int serve(const ServeOptions& o) {
  keep_freed_memory();
  auto egress = notify::make_egress_policy(o.webhook_allow_http, o.webhook_allow);
  if (!egress) return report(egress.error());
  api::ServerOptions server = o.server;
  server.handle_signals = true;
  // An event POST waits on its I/O thread until the group commit holding its
  // batch is durable, so the thread count bounds how many batches one commit
  // can gather (and how many other requests are served meanwhile).
  unsigned threads = server.threads != 0
                         ? server.threads
                         : std::max(kMinDefaultIoThreads, 2 * std::thread::hardware_concurrency());
  server.threads = threads;
  // One connection per I/O thread, one the event log's writer holds, and
  // room for the stream's alerts and the background jobs.
  int applied = 0;
  auto opened = open_migrated_database(o.db, {.pool_size = std::max(threads, 1u) + 4}, &applied);
  if (!opened) return report(opened.error());
  store::Database& db = **opened;
  spdlog::info("database {} at schema version {} ({} migration(s) applied)", db.display_url(),
               store::Database::latest_schema_version(), applied);

  api::Metrics metrics;
  metrics.set_pool_gauge([&db] { return std::pair(db.leases_in_use(), db.pool_size()); });
  // The behaviour stream: its state is rebuilt from the event log before the
  // first request is served.
  EventBus bus;
  // Live lead scoring follows the stream; the SSE hub serves the bus.
  app::LiveScoringOptions scoring;
  scoring.min_interval = std::chrono::microseconds(static_cast<int64_t>(o.score_interval_s * 1e6));
  app::LiveScorer scorer(db, SystemClock::instance(), bus, scoring);
  api::SseOptions sse = o.sse;
  sse.heartbeat = std::chrono::milliseconds(o.sse_heartbeat_ms);
  api::SseHub live(bus, SystemClock::instance(), sse);
  app::IngestorOptions stream_options;
  stream_options.resolver.accept_visitors = o.accept_visitors;
  stream_options.observer = &scorer;
  auto events = app::EventIngestor::start(db, SystemClock::instance(), bus, stream_options);
  if (!events) return report(events.error());
  // The decision stage: decisions publish on the bus (the SSE stream and
  // webhooks forward them); every lead re-scored live gets a decision unless
  // one of its next steps is open.
  auto decisions = std::make_shared<app::DecisionService>(db, SystemClock::instance(), &bus,
                                                          std::random_device{}());
  app::ScoreSubscriber score_subscriber(bus, *decisions);
  // The feedback loop: outcomes inferred from the records (conversions at
  // once, no conversion at the horizon) on a schedule, each teaching the bandit.
  app::OutcomeSweeper outcome_sweeper(*decisions, SystemClock::instance(),
                                      {.interval = std::chrono::seconds(o.outcome_sweep_s)});
  outcome_sweeper.start();
  std::unique_ptr<ingest::EventSource> kafka;
  if (!o.kafka.brokers.empty() || !o.kafka.topic.empty()) {
    auto started_kafka = app::start_kafka_source(o.kafka, **events);
    if (!started_kafka) return report(started_kafka.error());
    kafka = std::move(*started_kafka);
    add_kafka_metrics(metrics, *kafka);
  }
  // Webhooks (src/notify/): bus messages to the outbox, delivered by one thread.
  auto webhook_poster = notify::make_curl_poster({.egress = *egress});
  notify::WebhookWorker webhooks(db, *webhook_poster, SystemClock::instance());
  webhooks.subscribe(bus);
  webhooks.start();
  auto auth = auth_config(o);
  if (!auth) return report(auth.error());
  auto router = api::build_api_router({.db = db,
                                       .metrics = metrics,
                                       .clock = SystemClock::instance(),
                                       .web_dir = o.web_dir,
                                       .auth = *auth,
                                       .secure_cookies = o.secure_cookies,
                                       .trusted_proxy = o.trusted_proxy,
                                       .auth_purge_interval = kAuthPurgeInterval,
                                       .max_upload_bytes = server.max_upload_bytes,
                                       .events = events->get(),
                                       .decisions = decisions,
                                       .scorer = &scorer,
                                       .live = &live,
                                       .webhook_egress = *egress});
  auto started = api::HttpServer::start(server, *router, metrics);
  if (!started) return report(started.error());
  auto& http = **started;
  // The one line scripts and tests wait for; stdout, flushed.
  std::cout << "InsightCRM listening on http://" << http.host() << ":" << http.port() << "/"
            << std::endl;
  spdlog::info("serving the dashboard from {}; {} I/O thread(s); max body {} bytes", o.web_dir,
               threads, server.max_body_bytes);
  http.wait();
  kafka.reset();  // the round in flight is stored and committed first
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve the REST API (/api/v1), the dashboard, /healthz, /readyz and /metrics.\n"
      "Migrates the database first. Stops gracefully on SIGTERM or Ctrl-C.");
  auto o = std::make_shared<ServeOptions>();
  add_db_option(*cmd, o->db);
  cmd->add_option("--host", o->server.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o->server.port, "TCP port (0 picks a free one)")->capture_default_str();
  cmd->add_option("--web", o->web_dir, "Directory of the built dashboard")->capture_default_str();
  cmd->add_option("--max-body", o->server.max_body_bytes, "Largest request body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024} * 1024 * 1024));
  cmd->add_option("--max-upload", o->server.max_upload_bytes,
                  "Largest import upload (POST /api/v1/imports) in bytes")
      ->capture_default_str();
  cmd->add_option("--max-event-batch", o->server.max_event_batch_bytes,
                  "Largest event batch (POST /api/v1/events, up to 10,000 events) in bytes")
      ->capture_default_str();
  cmd->add_flag("--anonymous-visitors", o->accept_visitors,
                "Accept events for visitor:ext:<id> entities that have no record");
  cmd->add_option("--outcome-sweep", o->outcome_sweep_s,
                  "Seconds between sweeps that infer decisions' outcomes from the records "
                  "(a conversion, or no conversion once the horizon passed)")
      ->capture_default_str()
      ->check(
          CLI::Range(app::kMinOutcomeSweepInterval.count(), app::kMaxOutcomeSweepInterval.count()));
  cmd->add_option("--score-interval", o->score_interval_s,
                  "Live scoring: seconds between a lead's score history rows unless its tier "
                  "changes (0: a row whenever the probability moves)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--sse-max-clients", o->sse.max_clients,
                  "Live stream (GET /api/v1/stream): clients at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  cmd->add_option("--sse-queue", o->sse.client_queue,
                  "Live stream: frames queued per client before a slow client is dropped")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("--sse-ring", o->sse.ring_size,
                  "Live stream: recent frames kept for Last-Event-ID")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("--sse-heartbeat-ms", o->sse_heartbeat_ms,
                  "Live stream: milliseconds between heartbeat comments")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{3600000}));
  cmd->add_option("--threads", o->server.threads,
                  "I/O threads (0: two per core, at least 8; an event POST holds its thread until "
                  "its batch is durable)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 256u));
  const char* webhook_group = "Webhooks";
  cmd->add_flag("--webhook-allow-http", o->webhook_allow_http,
                "Let webhooks use http:// URLs (default: https only)")
      ->group(webhook_group);
  cmd->add_option("--webhook-allow", o->webhook_allow,
                  "A network (CIDR, e.g. 10.20.0.0/16, or one address) webhooks may reach although "
                  "it is loopback, private or link-local; repeat for more (at most 64). By default "
                  "only public addresses are connected to, checked after name resolution")
      ->group(webhook_group);
  const char* auth_group = "Sign-in and credentials";
  cmd->add_flag("--secure-cookies", o->secure_cookies,
                "Clients come over HTTPS (TLS ends here or at a proxy): the session cookie is "
                "__Host-icrm_session with Secure")
      ->group(auth_group);
  cmd->add_option("--trusted-proxy", o->trusted_proxy,
                  "IP address of the reverse proxy in front: X-Forwarded-For is believed only "
                  "on connections from it (sign-in limits and sessions use the client it names)")
      ->check([](const std::string& v) {
        return api::auth::canonical_ip(v) ? std::string() : "not an IP address: " + v;
      })
      ->group(auth_group);
  cmd->add_option("--security-log", o->security_log,
                  "File for the security log (sign-ins, failures, lockouts, sign-outs, API key "
                  "changes; one JSON object a line, rotated at 10 MiB); default: the server log")
      ->group(auth_group);
  cmd->add_option("--session-hours", o->session_hours,
                  "A session ends this many hours after sign-in, however busy")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 30}))
      ->group(auth_group);
  cmd->add_option("--session-idle-minutes", o->session_idle_minutes,
                  "A session ends after this many minutes without a request")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, int64_t{24 * 60}))
      ->group(auth_group);
  cmd->add_option("--api-token-days", o->api_token_days,
                  "Days a new API key lives unless its creator asks for fewer")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3650}))
      ->group(auth_group);
  cmd->add_option("--api-token-max-days", o->api_token_max_days,
                  "The most days an API key may be made to live (keys from before expiry "
                  "existed expire this long after they were made)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3650}))
      ->group(auth_group);
  const char* kafka_group = "Kafka (see below)";
  cmd->add_option("--kafka-brokers", o->kafka.brokers,
                  "Kafka bootstrap servers, host:port[,host:port...]; enables the consumer")
      ->group(kafka_group);
  cmd->add_option("--kafka-topic", o->kafka.topic, "Topic to consume events from")
      ->group(kafka_group);
  cmd->add_option("--kafka-group", o->kafka.group,
                  "Consumer group; its committed offsets say where to resume")
      ->capture_default_str()
      ->group(kafka_group);
  cmd->add_option("--kafka-max-message", o->kafka.max_message_bytes,
                  "Largest message in bytes; a larger one is logged and skipped")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, app::kMaxKafkaMessageBytes))
      ->group(kafka_group);
  cmd->footer(kKafkaHelp);
  cmd->callback([o] {
    if (o->api_token_days > o->api_token_max_days)
      throw CLI::RuntimeError(report(Error::invalid(
          "--api-token-days may not exceed --api-token-max-days", "api-token-days")));
    if (o->kafka.brokers.empty() != o->kafka.topic.empty())
      throw CLI::RuntimeError(
          report(Error::invalid("--kafka-brokers and --kafka-topic go together", "kafka-topic")));
    int code = serve(*o);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace icrm::cli
