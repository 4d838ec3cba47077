// /api/v1/users: the people who sign in, managed by admins.
//   GET   /api/v1/users, /api/v1/users/{id}   admins, and managers (to pick owners)
//   POST  /api/v1/users  {email, name, role, password}          admins
//   PATCH /api/v1/users/{id}  {name?, role?, disabled?, password?}  admins
// Users are never deleted (records keep naming them as owners): disable them.
// Disabling a user ends their sessions; setting their password also revokes
// their API keys (hashed on the authenticator's bounded pool: 503 when it is
// full); the last
// enabled admin cannot be demoted or disabled (409). Passwords are checked
// against the policy (auth/password.h) and stored only as argon2id hashes.
//
// /api/v1/audit-log: who changed what, newest first; admins and managers read it.
#pragma once

#include <memory>

#include "api/auth/authenticator.h"
#include "api/auth/password.h"
#include "api/router.h"
#include "core/clock.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db, clock and the authenticator outlive the router.
void add_user_routes(Router& router, store::Database& db, const Clock& clock,
                     std::shared_ptr<auth::Authenticator> authenticator);
void add_audit_log_routes(Router& router, store::Database& db, const Clock& clock);

}  // namespace icrm::api
