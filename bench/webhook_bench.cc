// webhook_bench: how many webhook deliveries per second one worker thread
// makes through the durable outbox (enqueue, claim, sign, POST, record) to a
// local receiver, against the peer: the same signed POSTs with the same
// libcurl client and no outbox. Both hit the project's HttpServer on a free
// loopback port, so the difference is the outbox's database work.
//
//   webhook_bench [DELIVERIES] [DATABASE_URL]     (default 2000, a temporary SQLite file)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "api/http_server.h"
#include "api/router.h"
#include "core/clock.h"
#include "notify/signature.h"
#include "notify/webhook_message.h"
#include "notify/webhook_worker.h"
#include "store/database.h"

using namespace icrm;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::stoi(argv[1]) : 2000;
  auto dir =
      std::filesystem::temp_directory_path() / ("webhook_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string url = argc > 2 ? argv[2] : "sqlite:" + (dir / "bench.db").string();
  auto db = store::Database::open({.url = url});
  if (!db || !(*db)->migrate()) {
    std::fprintf(stderr, "cannot open %s\n", url.c_str());
    return 1;
  }
  api::Router router;
  router.add(
      api::Method::kPost, "/hook",
      [](const api::Request&) -> Result<api::Response> { return api::Response::json(200, "{}"); },
      {}, api::Access::kPublic);
  api::Metrics metrics;
  auto server = api::HttpServer::start({.port = 0, .threads = 1}, router, metrics);
  if (!server) return 1;
  std::string hook = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/hook";
  // The receiver is http on loopback: allowed, as serve --webhook-allow-http
  // --webhook-allow 127.0.0.0/8 would.
  auto poster = notify::make_curl_poster(
      {.egress = {.allow_http = true, .allowed = {*notify::parse_ip_network("127.0.0.0/8")}}});
  std::string data =
      R"({"lead_id":123,"tier":"high","action":"call","utility":{"call":41.5,"email":12.0}})";

  // Peer: signed POSTs, no outbox.
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    std::string body = *notify::make_webhook_body("decision", "evt_" + std::to_string(i), data,
                                                  SystemClock::instance().now());
    auto r =
        poster->post(hook,
                     {{"Content-Type", "application/json"},
                      {std::string(notify::kSignatureHeader), notify::sign_webhook("s", 1, body)}},
                     body);
    if (!r.ok()) return 1;
  }
  double direct = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // The outbox: every message enqueued through offer(), delivered by step().
  store::WebhookEndpoint e;
  e.url = hook;
  e.secret = "whsec_bench";
  e.topics = {"decision"};
  e.created_at = SystemClock::instance().now();
  if (!store::WebhookStore(**db).create_endpoint(store::Actor::system(), e)) return 1;
  notify::WebhookWorker worker(**db, *poster, SystemClock::instance(), {.batch = 64});
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) worker.offer({"decision", data});
  while (worker.stats().delivered < static_cast<uint64_t>(n)) {
    if (!worker.step()) return 1;
  }
  double outbox = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("deliveries: %d, database: %s\n", n, (*db)->display_url().c_str());
  std::printf("direct signed POSTs (peer): %.0f /s (%.2f ms each)\n", n / direct,
              1000 * direct / n);
  std::printf("through the outbox:         %.0f /s (%.2f ms each)\n", n / outbox,
              1000 * outbox / n);
  (*server)->shutdown();
  (*server)->wait();
  db->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
