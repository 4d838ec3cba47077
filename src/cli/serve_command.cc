#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "api/api_router.h"
#include "api/http_server.h"
#include "api/limits.h"
#include "api/metrics.h"
#include "cli/command.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "decide/decision_service.h"
#include "decide/score_subscriber.h"
#include "ingest/event_ingestor.h"
#include "store/database.h"

namespace icrm::cli {

namespace {

struct ServeOptions {
  DbOption db;
  api::ServerOptions server;
  std::string web_dir = "web/dist";
  bool accept_visitors = false;
};

int serve(const ServeOptions& o) {
  api::ServerOptions server = o.server;
  server.handle_signals = true;
  unsigned threads = server.threads != 0 ? server.threads : std::thread::hardware_concurrency();
  // One connection per I/O thread, one the event log's writer holds, and
  // room for the stream's alerts and the background jobs.
  auto opened = store::Database::open({.url = o.db.url, .pool_size = std::max(threads, 1u) + 4});
  if (!opened) return report(opened.error());
  store::Database& db = **opened;
  auto applied = db.migrate();
  if (!applied) return report(applied.error());
  spdlog::info("database {} at schema version {} ({} migration(s) applied)", db.display_url(),
               store::Database::latest_schema_version(), *applied);

  api::Metrics metrics;
  metrics.set_pool_gauge([&db] { return std::pair(db.leases_in_use(), db.pool_size()); });
  // The behaviour stream: its state is rebuilt from the event log before the
  // first request is served.
  EventBus bus;
  ingest::IngestorOptions stream_options;
  stream_options.resolver.accept_visitors = o.accept_visitors;
  auto events = ingest::EventIngestor::start(db, SystemClock::instance(), bus, stream_options);
  if (!events) return report(events.error());
  // The decision stage: decisions publish on the bus (the SSE stream and
  // webhooks forward them); every lead re-scored live gets a decision unless
  // one of its next steps is open.
  auto decisions = std::make_shared<decide::DecisionService>(db, SystemClock::instance(), &bus,
                                                             std::random_device{}());
  decide::ScoreSubscriber score_subscriber(bus, *decisions);
  auto router = api::build_api_router({.db = db,
                                       .metrics = metrics,
                                       .clock = SystemClock::instance(),
                                       .web_dir = o.web_dir,
                                       .max_upload_bytes = server.max_upload_bytes,
                                       .events = events->get(),
                                       .decisions = decisions});
  auto started = api::HttpServer::start(server, *router, metrics);
  if (!started) return report(started.error());
  auto& http = **started;
  // The one line scripts and tests wait for; stdout, flushed.
  std::cout << "InsightCRM listening on http://" << http.host() << ":" << http.port() << "/"
            << std::endl;
  spdlog::info("serving the dashboard from {}; {} I/O thread(s); max body {} bytes", o.web_dir,
               threads, server.max_body_bytes);
  http.wait();
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
  cmd->add_option("--port", o->server.port, "TCP port (0 picks a free one)")
      ->capture_default_str();
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
  cmd->add_option("--threads", o->server.threads, "I/O threads (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 256u));
  cmd->callback([o] {
    int code = serve(*o);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace icrm::cli
