// The decision stage over HTTP (src/decide/decision_service.h):
//   GET  /api/v1/leads/{id}/decision        the lead's latest decision: tier, utility per
//                                           action, chosen action, propensity, why
//   POST /api/v1/leads/{id}/decision        decide now (on demand); 409 while a next step is open
//   GET  /api/v1/decisions                  the decision log, newest first, filters, cursor
//   GET  /api/v1/decisions/{id}
//   POST /api/v1/decisions/{id}/outcome     {"outcome","reward"?}: once; updates the bandit
//   POST /api/v1/decisions/{id}/accept      the rep takes the recommended step on
//   POST /api/v1/decisions/{id}/reject      {"reason"}: the step is cancelled, outcome "rejected"
//   POST /api/v1/decisions/{id}/complete    the step was done
//   GET  /api/v1/decisions/kpis             automatic vs manual next steps, time to first
//                                           touch after a tier change, conversion by tier
//   GET|PUT /api/v1/settings/decisions      admins only: thresholds or their mode, V source,
//                                           costs, service times, horizon
// Who may: decisions are read as their lead is (a rep: own and unassigned
// leads); deciding and outcomes need the right to change the lead; accept,
// reject and complete the right to change the decision's activity.
#pragma once

#include <memory>

#include "api/router.h"
#include "app/decision_service.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// A page of GET /api/v1/decisions without ?limit (at most store::kMaxDecisionListLimit).
inline constexpr size_t kDefaultDecisionPage = 50;

// REQUIRES: db and clock outlive the router.
void add_decision_routes(Router& router, store::Database& db, const Clock& clock,
                         std::shared_ptr<app::DecisionService> service);

}  // namespace icrm::api
