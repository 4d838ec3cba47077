// Operational routes: /healthz (the process answers), /readyz (the database
// answers and its schema is this build's latest; load balancers route traffic
// only to ready instances) and /metrics (Prometheus text). All public.
#pragma once

#include "api/metrics.h"
#include "api/router.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: `db` and `metrics` outlive the router.
void add_health_routes(Router& router, store::Database& db, const Metrics& metrics);

}  // namespace icrm::api
