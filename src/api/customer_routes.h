// /api/v1/customers: list, create, read, patch, delete (resource_routes.h).
// Admins and managers write; reps and viewers read every customer.
#pragma once

#include "api/router.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db and clock outlive the router.
void add_customer_routes(Router& router, store::Database& db, const Clock& clock);

}  // namespace icrm::api
