// Credentials on the wire, free of any HTTP library: the session cookie (its
// Set-Cookie header and how to find it in a Cookie header), the Bearer token
// of an Authorization header, and the CSRF rule for cookie-authenticated
// writes.
//
// CSRF: a browser attaches the session cookie to any request to our origin,
// including ones a hostile page triggers. Two defences, both required:
//  1. The cookie is SameSite=Strict, so modern browsers do not send it on
//     cross-site requests at all.
//  2. A write (any method but GET/HEAD/OPTIONS) authenticated by the cookie
//     must carry `X-Requested-With: InsightCRM`. A cross-origin page can only
//     set a custom header through CORS, which needs a preflight we never
//     approve (the API sends no Access-Control-Allow-* headers); plain forms
//     cannot set headers at all. When an Origin header is present it must
//     name the Host we were reached at.
// Chosen over a double-submit token because it needs no token state, no
// cookie readable by scripts, and nothing shared between instances; the
// dashboard's fetch wrapper adds the header once. Bearer-token requests are
// exempt: browsers never attach a Bearer token on their own. Sign-in itself
// (which sets the cookie) also requires the header, against login CSRF.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::api::auth {

inline constexpr std::string_view kSessionCookieName = "icrm_session";
// The name with secure cookies: browsers accept a __Host- cookie only with
// Secure, Path=/ and no Domain, from a secure origin, so neither a sibling
// subdomain nor a plain-HTTP page can plant or overwrite the session cookie.
inline constexpr std::string_view kSecureSessionCookieName = "__Host-icrm_session";
inline constexpr std::string_view kCsrfHeaderName = "X-Requested-With";
inline constexpr std::string_view kCsrfHeaderValue = "InsightCRM";
// A Cookie header longer than this is not looked into.
inline constexpr size_t kMaxCookieHeaderLength = 8192;

// kSecureSessionCookieName when `secure`, else kSessionCookieName.
std::string_view session_cookie_name(bool secure);
// "icrm_session=TOKEN; Path=/; Max-Age=N; HttpOnly; SameSite=Strict", or with
// `secure` (set whenever clients reach the server over HTTPS)
// "__Host-icrm_session=TOKEN; ...; Secure". Never a Domain attribute.
std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure);
// The Set-Cookie value that deletes the session cookie (on logout).
std::string expired_session_cookie(bool secure);

// The session token from a Cookie header ("a=1; icrm_session=TOKEN; b=2"),
// or nothing. Only the cookie called `name` counts: with secure cookies, an
// unprefixed icrm_session is ignored.
std::optional<std::string> session_token_from_cookie(std::string_view cookie_header,
                                                     std::string_view name = kSessionCookieName);
// The token of "Bearer TOKEN" (scheme case-insensitive), or nothing.
std::optional<std::string> bearer_token(std::string_view authorization_header);

struct CsrfCheck {
  std::string_view method;                           // "POST", "GET", ...
  bool cookie_authenticated = false;                 // the caller is known by the session cookie
  std::optional<std::string_view> requested_with{};  // X-Requested-With
  std::optional<std::string_view> origin{};          // Origin
  std::optional<std::string_view> host{};            // Host
};

// True for GET, HEAD and OPTIONS: methods that must not change anything.
bool is_safe_method(std::string_view method);

// Permission denied naming the header when the rule above is broken.
Status check_csrf(const CsrfCheck& request);

}  // namespace icrm::api::auth
