// The dashboard's read-only figures (store/dashboard_store.h):
//   GET /api/v1/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD   the Overview's numbers:
//        leads by status, conversion by month and source, revenue by month,
//        customers by status, mean response time, score distribution
//   GET /api/v1/lead-ranking?limit&offset&status&tier&source&owner_id&q
//        leads with their latest score, most promising first, with a total
//        for pagination
// Every signed-in role may call both; a rep's lead figures and ranking cover
// their own and unassigned leads only (what they may list).
#pragma once

#include "api/router.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db outlives the router.
void add_dashboard_routes(Router& router, store::Database& db);

}  // namespace icrm::api
