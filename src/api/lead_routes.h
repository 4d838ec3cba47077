// /api/v1/leads: list, create, read, patch, delete (resource_routes.h), and
//   POST /api/v1/leads/{id}/status  {status, customer_id?}  the one way a
//        lead's status changes, along the legal transitions (409 otherwise);
//        converting links customer_id, or the customer with the lead's
//        e-mail, or a new customer made from the lead
//   GET  /api/v1/leads/{id}/history  its status changes, oldest first.
// Admins and managers see and change every lead and assign owners; a rep sees
// and changes the leads they own plus unassigned ones (others' are 404) and
// cannot assign owners; a viewer reads.
#pragma once

#include "api/router.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db and clock outlive the router.
void add_lead_routes(Router& router, store::Database& db, const Clock& clock);

}  // namespace icrm::api
