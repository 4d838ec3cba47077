// Sign-in and API-key routes:
//   POST   /api/v1/auth/login   {email, password} → {token, user, expires_at} + session cookie
//   POST   /api/v1/auth/logout  ends the session, clears the cookie
//   GET    /api/v1/me           the caller
//   POST   /api/v1/tokens       {name} → the new API key, shown this once
//   GET    /api/v1/tokens       the caller's keys (never the secrets)
//   DELETE /api/v1/tokens/{id}  revokes a key (its owner, or an admin)
//   GET    /api/v1/me/sessions        the caller's sessions
//   DELETE /api/v1/me/sessions        ends every session of the caller's but this one
//   DELETE /api/v1/me/sessions/{id}   ends one of them
//   POST   /api/v1/me/password        {current_password, new_password}
// API keys and password changes need a session (cookie or session token): a
// key cannot mint keys, and a leaked key cannot lock its owner out.
// Login is public; when it comes from a browser (an Origin header is sent),
// it must pass the CSRF rule too, so a hostile page cannot sign a victim into
// an account of the attacker's choosing.
#pragma once

#include <memory>
#include <string>

#include "api/auth/authenticator.h"
#include "api/router.h"

namespace icrm::api {

struct AuthRouteOptions {
  // The __Host- cookie with Secure; set when clients reach the server over HTTPS.
  bool secure_cookies = false;
  // The reverse proxy whose X-Forwarded-For names the client (auth/client_address.h).
  std::string trusted_proxy;
};

// REQUIRES: the authenticator outlives the router.
void add_auth_routes(Router& router, std::shared_ptr<auth::Authenticator> authenticator,
                     AuthRouteOptions options = {});

}  // namespace icrm::api
