// /api/v1/activities and /api/v1/communications: list, create, read, patch,
// delete (resource_routes.h).
//
// Activities have owners: a rep sees and writes only the activities they own
// (another rep's is 404), and one a rep creates without naming an owner is
// theirs; managers and admins write all and assign owners; viewers read.
// A PATCH of status to done or cancelled stamps completed_at, back to open
// clears it.
//
// A communication has no owner of its own: it is owned as its party is (its
// lead's owner, or else its customer's). Everyone who may read reads all; a
// rep logs messages on their own and unassigned leads and customers but does
// not change or delete them; response_seconds is derived by the store.
#pragma once

#include "api/router.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db and clock outlive the router.
void add_activity_routes(Router& router, store::Database& db, const Clock& clock);
void add_communication_routes(Router& router, store::Database& db, const Clock& clock);

}  // namespace icrm::api
