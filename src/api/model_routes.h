// The scoring models over HTTP: train (a background job, polled), list with
// metrics, activate a version, and a lead's latest score explained in words.
//
//   POST /api/v1/models/train            admin, manager  202 + the job
//   GET  /api/v1/models/jobs/{id}        any role         the job's state
//   GET  /api/v1/models                  any role         versions, newest first
//   POST /api/v1/models/{id}/activate    admin, manager  200 + a scoring job
//   GET  /api/v1/leads/{id}/explanation  who may read the lead
//
// Training always runs in the background: even the demo's few thousand leads
// take a second or two, a real pipeline minutes, and a request must not hold
// a connection (or a load balancer's patience) that long. The 202 carries the
// job and a Location to poll; the job ends with the model it registered.
//
// build_api_router() registers them through add_model_routes(Router&, const
// ApiContext&) (api_router.h); tests pass their own runner to wait for its jobs.
#pragma once

#include <memory>

#include "api/router.h"
#include "app/model_job_runner.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db and clock outlive the router; the router keeps the runner.
void add_model_routes(Router& router, store::Database& db, const Clock& clock,
                      std::shared_ptr<app::ModelJobRunner> runner);

}  // namespace icrm::api
