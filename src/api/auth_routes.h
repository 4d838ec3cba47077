// Sign-in and API-key routes:
//   POST   /api/v1/auth/login   {email, password} → {token, user, expires_at} + session cookie
//   POST   /api/v1/auth/logout  ends the session, clears the cookie
//   GET    /api/v1/me           the caller
//   POST   /api/v1/tokens       {name} → the new API key, shown this once
//   GET    /api/v1/tokens       the caller's keys (never the secrets)
//   DELETE /api/v1/tokens/{id}  revokes a key (its owner, or an admin)
// Login is public; when it comes from a browser (an Origin header is sent),
// it must pass the CSRF rule too, so a hostile page cannot sign a victim into
// an account of the attacker's choosing.
#pragma once

#include <memory>

#include "api/auth/authenticator.h"
#include "api/router.h"

namespace icrm::api {

struct AuthRouteOptions {
  // Adds Secure to the session cookie; set when clients reach the server over HTTPS.
  bool secure_cookies = false;
};

// REQUIRES: the authenticator outlives the router.
void add_auth_routes(Router& router, std::shared_ptr<auth::Authenticator> authenticator,
                     AuthRouteOptions options = {});

}  // namespace icrm::api
