// The whole HTTP surface of InsightCRM in one Router: operations routes,
// /api/v1 resources, and the dashboard's static files as the fallback. `serve`
// and the integration tests build it the same way.
#pragma once

#include <filesystem>
#include <memory>

#include "api/auth/authenticator.h"
#include "api/limits.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/sse_hub.h"
#include "app/decision_service.h"
#include "app/event_ingestor.h"
#include "app/live_scorer.h"
#include "core/clock.h"
#include "notify/egress_policy.h"
#include "store/database.h"

namespace icrm::api {

struct ApiContext {
  store::Database& db;
  Metrics& metrics;
  const Clock& clock;
  std::filesystem::path web_dir = "web/dist";
  // Sessions, sign-in limits and the decoy hash cost (tests lower it).
  auth::AuthConfig auth{};
  // The __Host- session cookie with Secure: set when clients come over HTTPS.
  bool secure_cookies = false;
  // The reverse proxy whose X-Forwarded-For is believed (empty: none).
  std::string trusted_proxy;
  // How often expired sessions and idle sign-in counters are deleted (0: never;
  // serve sets it).
  std::chrono::milliseconds auth_purge_interval{0};
  // Largest import upload (the server's ServerOptions::max_upload_bytes).
  std::size_t max_upload_bytes = kDefaultMaxUploadBytes;
  // The behaviour stream (event_routes.h); its routes exist only when set.
  app::EventIngestor* events = nullptr;
  // The decision stage (decision_routes.h); when none is given the router
  // makes its own, which publishes nothing (serve passes one on its bus).
  std::shared_ptr<app::DecisionService> decisions;
  // Live lead scoring, reported by GET /api/v1/events/stats; optional.
  const app::LiveScorer* scorer = nullptr;
  // GET /api/v1/stream (server-sent events) exists only when set.
  SseHub* live = nullptr;
  // Where webhook URLs may point (the same policy the delivering poster
  // enforces when it connects): checked when an endpoint is created or changed.
  notify::EgressPolicy webhook_egress{};
};

// REQUIRES: everything in `context` outlives the router.
std::unique_ptr<Router> build_api_router(const ApiContext& context);

// The route groups build_api_router() assembles that need the whole context.
// Scoring models: model_routes.cc (training jobs run on a background thread
// the router owns, finished before the router is destroyed).
void add_model_routes(Router& router, const ApiContext& context);

}  // namespace icrm::api
