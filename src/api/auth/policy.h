// The role policy: who may do what to which records, as one pure function
// (role, action, resource, ownership) -> allow/deny, so the whole matrix is
// table-tested and every route asks the same question.
//
//   admin    everything: users, API tokens of anyone, settings, all records.
//   manager  all records (create, read, update, delete), assigns owners,
//            reads users (to pick owners) and the audit log.
//   rep      reads customers, products, transactions and the trained models
//            (their metrics);
//            reads and writes the leads they own plus unassigned leads, and
//            the activities they own; reads the communications, events and
//            alerts about those leads (and about no lead: a customer, a
//            visitor, the whole stream); logs communications on leads they
//            own or that are unassigned; may not reassign owners.
//   viewer   reads every record, but not users, the audit log or settings.
//   models   (trained scoring models) are trained and activated by admins and
//            managers; everyone else reads them.
//   events   (the behaviour stream: events, event statistics, alerts) are
//            sent by admins, managers and reps (a rep's tracking scripts and
//            logged calls) and read by everyone, each as the lead it is
//            about; registering a custom event type is a settings change
//            (admins).
//   everyone manages their own API tokens (a token acts with its owner's role,
//            so a viewer's token is read-only).
//
// Ownership describes the record acted on (for a create, the record as it
// would be written): kOwn (owner is the caller), kUnassigned (no owner),
// kOthers (someone else), kNotApplicable (records without owners: products,
// transactions, users, settings, the audit log; and list/collection reads,
// which list_scope() narrows instead). A communication, event or alert is
// read as the lead it is about (kUnassigned when about none); a message is
// logged, and an event sent, as its party (lead or customer) is written.
#pragma once

#include <string_view>

#include "store/user_store.h"

namespace icrm::api::auth {

enum class Action { kRead, kCreate, kUpdate, kDelete, kAssignOwner };
enum class Resource {
  kCustomer,
  kLead,
  kProduct,
  kTransaction,
  kActivity,
  kCommunication,
  kUser,
  kApiToken,
  kAuditLog,
  kSettings,
  kModel,
  kEvent,
};
enum class Ownership { kNotApplicable, kOwn, kUnassigned, kOthers };

inline constexpr Action kAllActions[] = {Action::kRead, Action::kCreate, Action::kUpdate,
                                         Action::kDelete, Action::kAssignOwner};
inline constexpr Resource kAllResources[] = {
    Resource::kCustomer, Resource::kLead,          Resource::kProduct, Resource::kTransaction,
    Resource::kActivity, Resource::kCommunication, Resource::kUser,    Resource::kApiToken,
    Resource::kAuditLog, Resource::kSettings,      Resource::kModel,   Resource::kEvent};
inline constexpr Ownership kAllOwnerships[] = {Ownership::kNotApplicable, Ownership::kOwn,
                                               Ownership::kUnassigned, Ownership::kOthers};

std::string_view action_name(Action a);
std::string_view resource_name(Resource r);
std::string_view ownership_name(Ownership o);

enum class Decision { kDeny, kAllow };

// The policy. Pure: no I/O, no clock, no state.
Decision authorize(store::Role role, Action action, Resource resource, Ownership ownership);
inline bool allowed(store::Role role, Action action, Resource resource, Ownership ownership) {
  return authorize(role, action, resource, ownership) == Decision::kAllow;
}

// Which rows a list of `resource` may show to `role`: kAll, the caller's own
// plus unassigned (rep on leads), the caller's own only (rep on activities),
// or nothing (forbidden). A list endpoint adds the matching owner filter.
enum class ListScope { kNone, kOwn, kOwnAndUnassigned, kAll };
ListScope list_scope(store::Role role, Resource resource);
// Whether a record of `ownership` is among the rows `scope` shows.
bool in_list_scope(ListScope scope, Ownership ownership);

// THE visibility rule, for single reads and lists alike: whether `role` sees
// a record of `resource` with `ownership` (the rows list_scope() shows). A
// record it does not see is answered as one that does not exist (404), and
// lists leave it out (the store's owner filter is list_scope() in SQL).
bool visible(store::Role role, Resource resource, Ownership ownership);

// Ownership of a record with owner `owner_id` (0 = none) seen by `user_id`.
Ownership ownership_of(int64_t owner_id, int64_t user_id);

}  // namespace icrm::api::auth
