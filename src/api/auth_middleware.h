// The authentication step every authenticated route passes through: finds the
// credential (Bearer API key, Bearer session token, or the session cookie),
// resolves it with the Authenticator, applies the CSRF rule to
// cookie-authenticated writes (auth/credentials.h), sets Request::caller and
// calls the route. No credential or a bad one → 401; CSRF failure → 403.
// Public routes pass through untouched.
#pragma once

#include <memory>

#include "api/auth/authenticator.h"
#include "api/auth/policy.h"
#include "api/http_message.h"
#include "api/router.h"

namespace icrm::api {

// REQUIRES: the authenticator outlives the router using the middleware.
// With `secure_cookies`, only the __Host- session cookie is read.
Middleware make_auth_middleware(std::shared_ptr<auth::Authenticator> authenticator,
                                bool secure_cookies = false);

// The caller of an authenticated route; unauthenticated when there is none
// (a public route, or a handler test that forgot to set one).
Result<const Caller*> require_caller(const Request& request);

// Permission denied unless policy allows `caller` the action.
Status authorize(const Caller& caller, auth::Action action, auth::Resource resource,
                 auth::Ownership ownership = auth::Ownership::kNotApplicable);

}  // namespace icrm::api
