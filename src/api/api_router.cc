#include "api/api_router.h"

#include <random>

#include "api/activity_routes.h"
#include "api/auth_middleware.h"
#include "api/auth_routes.h"
#include "api/customer_routes.h"
#include "api/dashboard_routes.h"
#include "api/decision_routes.h"
#include "api/event_routes.h"
#include "api/health_routes.h"
#include "api/import_routes.h"
#include "api/lead_routes.h"
#include "api/openapi.h"
#include "api/product_routes.h"
#include "api/static_files.h"
#include "api/stream_routes.h"
#include "api/user_routes.h"
#include "api/webhook_routes.h"

namespace icrm::api {

std::unique_ptr<Router> build_api_router(const ApiContext& context) {
  auto router = std::make_unique<Router>();
  auto authenticator =
      std::make_shared<auth::Authenticator>(context.db, context.clock, context.auth);
  if (context.live != nullptr) {
    // A stream's viewer is fixed when it opens: whoever is signed out,
    // disabled or changed must reconnect and be checked again.
    authenticator->set_user_change_listener(
        [live = context.live](int64_t user_id) { live->close_user(user_id); });
  }
  if (context.auth_purge_interval.count() > 0)
    authenticator->purge_every(context.auth_purge_interval);
  router->use(make_auth_middleware(authenticator, context.secure_cookies));
  add_health_routes(*router, context.db, context.metrics);
  add_auth_routes(
      *router, authenticator,
      {.secure_cookies = context.secure_cookies, .trusted_proxy = context.trusted_proxy});
  add_customer_routes(*router, context.db, context.clock);
  add_lead_routes(*router, context.db, context.clock);
  add_product_routes(*router, context.db, context.clock);
  add_transaction_routes(*router, context.db, context.clock);
  add_activity_routes(*router, context.db, context.clock);
  add_communication_routes(*router, context.db, context.clock);
  add_user_routes(*router, context.db, context.clock, authenticator);
  add_audit_log_routes(*router, context.db, context.clock);
  add_model_routes(*router, context);
  add_dashboard_routes(*router, context.db);
  add_import_routes(*router, std::make_shared<app::ImportJobRunner>(context.db, context.clock),
                    context.max_upload_bytes);
  if (context.events != nullptr)
    add_event_routes(*router, context.db, *context.events, context.scorer);
  if (context.live != nullptr) add_stream_routes(*router, *context.live);
  add_webhook_routes(*router, context.db, context.clock, context.webhook_egress);
  auto decisions = context.decisions;
  if (!decisions) {
    decisions = std::make_shared<app::DecisionService>(context.db, context.clock, nullptr,
                                                       std::random_device{}());
  }
  add_decision_routes(*router, context.db, context.clock, decisions);
  // Last: it describes every route registered before it, and itself.
  add_openapi_route(*router, ICRM_VERSION);
  auto files = std::make_shared<StaticFiles>(context.web_dir);
  router->set_fallback([files](const Request& r) { return files->serve(r); });
  return router;
}

}  // namespace icrm::api
