// Caller: who a request comes from, set on the Request by the authentication
// middleware (auth_middleware.h) before any handler of an authenticated route
// runs. Handlers read it with require_caller() and ask auth/policy.h whether
// the caller's role allows what they are about to do.
#pragma once

#include <cstdint>
#include <string>

#include "store/user_store.h"

namespace icrm::api {

struct Caller {
  int64_t user_id = 0;
  std::string email;
  std::string name;
  store::Role role = store::Role::kViewer;
  // How the caller proved who they are: the session cookie, a session token
  // as Bearer, or an API key as Bearer.
  enum class Via { kCookie, kBearerSession, kApiToken } via = Via::kCookie;
  int64_t credential_id = 0;  // sessions.id or api_tokens.id
};

}  // namespace icrm::api
