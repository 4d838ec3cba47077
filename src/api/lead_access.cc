#include "api/lead_access.h"

#include <string>

#include "api/resource_routes.h"

namespace icrm::api {

Result<store::Lead> visible_lead(const Caller& caller, store::LeadStore& leads, int64_t id) {
  auto lead = leads.get(id);
  if (!lead) return lead;
  if (!visible_to(caller, auth::Resource::kLead, lead->owner_id))
    return Error::not_found("no lead with id " + std::to_string(id));
  return lead;
}

Result<store::Lead> writable_lead(const Caller& caller, store::LeadStore& leads, int64_t id,
                                  auth::Action action) {
  auto lead = visible_lead(caller, leads, id);
  if (!lead) return lead;
  if (auto s =
          authorize(caller, action, auth::Resource::kLead, ownership_for(caller, lead->owner_id));
      !s)
    return s.error();
  return lead;
}

Status check_lead_link(const Caller& caller, store::LeadStore& leads,
                       std::optional<int64_t> lead_id, std::string_view field) {
  if (!lead_id) return {};
  auto lead = writable_lead(caller, leads, *lead_id);
  if (lead) return {};
  Error e = lead.error();
  e.field = std::string(field);
  return e;
}

}  // namespace icrm::api
