#include "api/auth_middleware.h"

#include "api/auth/credentials.h"
#include "api/auth/policy.h"
#include "api/auth/token.h"

namespace icrm::api {

Middleware make_auth_middleware(std::shared_ptr<auth::Authenticator> authenticator,
                                bool secure_cookies) {
  const std::string cookie_name(auth::session_cookie_name(secure_cookies));
  return [authenticator, cookie_name](const Request& request, const Route& route,
                                      const Next& next) -> Result<Response> {
    if (route.access == Access::kPublic) return next(request);
    Caller::Via via = Caller::Via::kCookie;
    Result<auth::Principal> principal = Error::unauthenticated(
        "sign in first: send the session cookie or an Authorization: Bearer token");
    if (auto header = request.headers.get("Authorization")) {
      auto token = auth::bearer_token(*header);
      if (!token) {
        return Error::unauthenticated("the Authorization header must be 'Bearer <token>'");
      }
      if (token->rfind(auth::kApiTokenPrefix, 0) == 0) {
        via = Caller::Via::kApiToken;
        principal = authenticator->authenticate_api_token(*token);
      } else {
        via = Caller::Via::kBearerSession;
        principal = authenticator->authenticate_session(*token);
      }
    } else if (auto cookie = request.headers.get("Cookie")) {
      if (auto token = auth::session_token_from_cookie(*cookie, cookie_name)) {
        principal = authenticator->authenticate_session(*token);
      }
    }
    if (!principal) return principal.error();

    if (via == Caller::Via::kCookie) {
      auto csrf = auth::check_csrf({.method = method_name(request.method),
                                    .cookie_authenticated = true,
                                    .requested_with = request.headers.get(auth::kCsrfHeaderName),
                                    .origin = request.headers.get("Origin"),
                                    .host = request.headers.get("Host")});
      if (!csrf) return csrf.error();
    }
    Request enriched = request;
    enriched.caller = Caller{principal->user.id,
                             principal->user.email,
                             principal->user.name,
                             principal->user.role,
                             via,
                             principal->credential_id};
    return next(enriched);
  };
}

Result<const Caller*> require_caller(const Request& request) {
  if (!request.caller) return Error::unauthenticated("sign in first");
  return &*request.caller;
}

Status authorize(const Caller& caller, auth::Action action, auth::Resource resource,
                 auth::Ownership ownership) {
  if (auth::allowed(caller.role, action, resource, ownership)) return {};
  return Error::permission_denied("a " + std::string(store::role_name(caller.role)) + " may not " +
                                  std::string(auth::action_name(action)) + " " +
                                  std::string(auth::resource_name(resource)) + " records");
}

}  // namespace icrm::api
