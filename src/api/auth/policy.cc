#include "api/auth/policy.h"

namespace icrm::api::auth {
namespace {

using store::Role;

bool owned_or_unassigned(Ownership o) {
  return o == Ownership::kOwn || o == Ownership::kUnassigned;
}

Decision allow_if(bool condition) { return condition ? Decision::kAllow : Decision::kDeny; }

Decision authorize_rep(Action action, Resource resource, Ownership ownership) {
  switch (resource) {
    case Resource::kCustomer:
    case Resource::kProduct:
    case Resource::kTransaction:
    case Resource::kModel:
      return allow_if(action == Action::kRead);
    case Resource::kLead:
      if (action == Action::kAssignOwner) return Decision::kDeny;
      if (action == Action::kRead && ownership == Ownership::kNotApplicable)
        return Decision::kAllow;
      return allow_if(owned_or_unassigned(ownership));
    case Resource::kActivity:
      if (action == Action::kAssignOwner) return Decision::kDeny;
      if (action == Action::kRead && ownership == Ownership::kNotApplicable)
        return Decision::kAllow;
      return allow_if(ownership == Ownership::kOwn);
    case Resource::kCommunication:
      // Seen as the lead it is about (one about no lead, as nobody's); logged
      // on the rep's own and unassigned parties.
      if (action == Action::kRead) return allow_if(ownership != Ownership::kOthers);
      return allow_if(action == Action::kCreate && owned_or_unassigned(ownership));
    case Resource::kEvent:
      // Events and alerts are seen and sent as the lead they are about.
      return allow_if((action == Action::kRead || action == Action::kCreate) &&
                      ownership != Ownership::kOthers);
    case Resource::kApiToken:
      return allow_if(action != Action::kAssignOwner && ownership == Ownership::kOwn);
    case Resource::kUser:
    case Resource::kAuditLog:
    case Resource::kSettings:
      return Decision::kDeny;
  }
  return Decision::kDeny;
}

}  // namespace

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kRead:
      return "read";
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "update";
    case Action::kDelete:
      return "delete";
    case Action::kAssignOwner:
      return "assign_owner";
  }
  return "?";
}

std::string_view resource_name(Resource r) {
  switch (r) {
    case Resource::kCustomer:
      return "customer";
    case Resource::kLead:
      return "lead";
    case Resource::kProduct:
      return "product";
    case Resource::kTransaction:
      return "transaction";
    case Resource::kActivity:
      return "activity";
    case Resource::kCommunication:
      return "communication";
    case Resource::kUser:
      return "user";
    case Resource::kApiToken:
      return "api_token";
    case Resource::kAuditLog:
      return "audit_log";
    case Resource::kSettings:
      return "settings";
    case Resource::kModel:
      return "model";
    case Resource::kEvent:
      return "event";
  }
  return "?";
}

std::string_view ownership_name(Ownership o) {
  switch (o) {
    case Ownership::kNotApplicable:
      return "n/a";
    case Ownership::kOwn:
      return "own";
    case Ownership::kUnassigned:
      return "unassigned";
    case Ownership::kOthers:
      return "others";
  }
  return "?";
}

Decision authorize(Role role, Action action, Resource resource, Ownership ownership) {
  switch (role) {
    case Role::kAdmin:
      return Decision::kAllow;
    case Role::kManager:
      switch (resource) {
        case Resource::kUser:
        case Resource::kAuditLog:
          return allow_if(action == Action::kRead);
        case Resource::kSettings:
          return Decision::kDeny;
        case Resource::kApiToken:
          return allow_if(action != Action::kAssignOwner && ownership == Ownership::kOwn);
        default:
          return Decision::kAllow;
      }
    case Role::kRep:
      return authorize_rep(action, resource, ownership);
    case Role::kViewer:
      if (resource == Resource::kApiToken) {
        return allow_if(action != Action::kAssignOwner && ownership == Ownership::kOwn);
      }
      if (resource == Resource::kUser || resource == Resource::kAuditLog ||
          resource == Resource::kSettings) {
        return Decision::kDeny;
      }
      return allow_if(action == Action::kRead);
  }
  return Decision::kDeny;
}

ListScope list_scope(Role role, Resource resource) {
  if (role == Role::kRep) {
    if (resource == Resource::kLead || resource == Resource::kCommunication ||
        resource == Resource::kEvent)
      return ListScope::kOwnAndUnassigned;
    if (resource == Resource::kActivity) return ListScope::kOwn;
    if (resource == Resource::kApiToken) return ListScope::kOwn;
  }
  if (resource == Resource::kApiToken && role != Role::kAdmin) return ListScope::kOwn;
  return allowed(role, Action::kRead, resource, Ownership::kNotApplicable) ? ListScope::kAll
                                                                           : ListScope::kNone;
}

bool in_list_scope(ListScope scope, Ownership ownership) {
  switch (scope) {
    case ListScope::kAll:
      return true;
    case ListScope::kOwnAndUnassigned:
      return ownership != Ownership::kOthers;
    case ListScope::kOwn:
      return ownership == Ownership::kOwn;
    case ListScope::kNone:
      return false;
  }
  return false;
}

bool visible(Role role, Resource resource, Ownership ownership) {
  return in_list_scope(list_scope(role, resource), ownership);
}

Ownership ownership_of(int64_t owner_id, int64_t user_id) {
  if (owner_id == 0) return Ownership::kUnassigned;
  return owner_id == user_id ? Ownership::kOwn : Ownership::kOthers;
}

}  // namespace icrm::api::auth
