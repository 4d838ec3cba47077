// problem+json (RFC 9457): the one place an Error becomes an HTTP response.
// Every failure the API reports — a handler's Error, an unknown route, a
// wrong method, a limit — goes through problem_response(), so clients see one
// shape: {type, title, status, detail, errors:[{field, message}]}.
//
// Status codes: invalid_argument is 400 for malformed syntax and field
// validation alike — one code to branch on, and `errors` names every field at
// fault; 422 would split one kind of mistake over two codes for no client
// benefit. not_found 404, conflict 409, unauthenticated 401 (with
// WWW-Authenticate), permission_denied 403, too_large 413, rate_limited 429
// and unavailable 503 (both with Retry-After), internal 500 whose detail never
// carries the internal message (it is logged instead).
#pragma once

#include <chrono>
#include <string_view>

#include "api/http_message.h"
#include "core/error.h"

namespace icrm::api {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
// Retry-After sent with 429 and 503 when the caller does not know better.
inline constexpr std::chrono::seconds kDefaultRetryAfter{60};
inline constexpr std::chrono::seconds kUnavailableRetryAfter{5};

int http_status(ErrorCode code);

// `retry_after` overrides the default Retry-After of 429/503 (e.g. the time
// until a login rate limit resets); ignored for other codes.
Response problem_response(const Error& error,
                          std::chrono::seconds retry_after = std::chrono::seconds::zero());

// A problem for a status no ErrorCode stands for (405, 414, 415, 431, 408).
Response problem_response(int status, std::string_view detail);

}  // namespace icrm::api
