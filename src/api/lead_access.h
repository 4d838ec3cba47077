// The one way a route reaches a lead it was given by id (a path parameter, a
// record's lead_id, an event's entity): the lead when auth::visible() says
// the caller sees it, and otherwise the very answer an id that does not exist
// gets (not_found, "no lead with id N"), so a hidden lead's id is never
// confirmed. writable_lead() adds the policy check for changing it: 403 for
// a lead the caller sees but may not change (a viewer's).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/auth/policy.h"
#include "api/caller.h"
#include "core/result.h"
#include "store/lead_store.h"

namespace icrm::api {

Result<store::Lead> visible_lead(const Caller& caller, store::LeadStore& leads, int64_t id);
Result<store::Lead> writable_lead(const Caller& caller, store::LeadStore& leads, int64_t id,
                                  auth::Action action = auth::Action::kUpdate);
// For a record that links to a lead (an activity's or a message's lead_id):
// nothing to check without one; otherwise writable_lead(), its error naming
// `field`.
Status check_lead_link(const Caller& caller, store::LeadStore& leads,
                       std::optional<int64_t> lead_id, std::string_view field = "lead_id");

}  // namespace icrm::api
