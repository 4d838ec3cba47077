#include "api/api_router.h"

#include "api/health_routes.h"
#include "api/static_files.h"

namespace icrm::api {

std::unique_ptr<Router> build_api_router(const ApiContext& context) {
  auto router = std::make_unique<Router>();
  add_health_routes(*router, context.db, context.metrics);
  auto files = std::make_shared<StaticFiles>(context.web_dir);
  router->set_fallback([files](const Request& r) { return files->serve(r); });
  return router;
}

}  // namespace icrm::api
