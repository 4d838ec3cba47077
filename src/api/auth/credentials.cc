#include "api/auth/credentials.h"

#include "core/text.h"

namespace icrm::api::auth {
namespace {

// Token characters we issue (base64url); anything else in a credential is
// refused before it reaches a hash or a log line.
bool is_token_text(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view session_cookie_name(bool secure) {
  return secure ? kSecureSessionCookieName : kSessionCookieName;
}

std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
  std::string c = std::string(session_cookie_name(secure)) + "=" + std::string(token) +
                  "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                  "; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::string expired_session_cookie(bool secure) {
  return session_cookie("", std::chrono::seconds{0}, secure);
}

std::optional<std::string> session_token_from_cookie(std::string_view header,
                                                     std::string_view name) {
  if (header.size() > kMaxCookieHeaderLength) return std::nullopt;
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = trim_blanks(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_blanks(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim_blanks(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (is_token_text(value)) return std::string(value);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> bearer_token(std::string_view header) {
  header = trim_blanks(header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !iequals(header.substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view token = trim_blanks(header.substr(kScheme.size() + 1));
  if (!is_token_text(token)) return std::nullopt;
  return std::string(token);
}

bool is_safe_method(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

Status check_csrf(const CsrfCheck& r) {
  if (!r.cookie_authenticated || is_safe_method(r.method)) return {};
  if (!r.requested_with || trim_blanks(*r.requested_with) != kCsrfHeaderValue) {
    return Error::permission_denied(
        "cookie-authenticated writes need the header " + std::string(kCsrfHeaderName) + ": " +
        std::string(kCsrfHeaderValue) + " (scripts should use an API token instead)");
  }
  if (r.origin && *r.origin != "null") {
    std::string_view origin = *r.origin;
    size_t scheme_end = origin.find("://");
    std::string_view origin_host =
        scheme_end == std::string_view::npos ? origin : origin.substr(scheme_end + 3);
    if (!r.host || !iequals(origin_host, trim_blanks(*r.host))) {
      return Error::permission_denied("the request's Origin does not match this server");
    }
  } else if (r.origin) {
    return Error::permission_denied("the request's Origin does not match this server");
  }
  return {};
}

}  // namespace icrm::api::auth
