#include "core/error.h"

#include <utility>

namespace icrm {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

namespace {
Error make(ErrorCode code, std::string message, std::string field) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.field = std::move(field);
  if (!e.field.empty()) e.details.push_back({e.field, e.message});
  return e;
}
}  // namespace

Error Error::invalid(std::string m, std::string f) {
  return make(ErrorCode::kInvalidArgument, std::move(m), std::move(f));
}
Error Error::not_found(std::string m) { return make(ErrorCode::kNotFound, std::move(m), {}); }
Error Error::conflict(std::string m, std::string f) {
  return make(ErrorCode::kConflict, std::move(m), std::move(f));
}
Error Error::unauthenticated(std::string m) {
  return make(ErrorCode::kUnauthenticated, std::move(m), {});
}
Error Error::permission_denied(std::string m) {
  return make(ErrorCode::kPermissionDenied, std::move(m), {});
}
Error Error::too_large(std::string m, std::string f) {
  return make(ErrorCode::kTooLarge, std::move(m), std::move(f));
}
Error Error::rate_limited(std::string m) { return make(ErrorCode::kRateLimited, std::move(m), {}); }
Error Error::unavailable(std::string m) { return make(ErrorCode::kUnavailable, std::move(m), {}); }
Error Error::internal(std::string m) { return make(ErrorCode::kInternal, std::move(m), {}); }

std::string Error::to_string() const {
  if (details.size() > 1) {
    std::string out = message;
    for (const auto& d : details) out += "\n  " + d.field + ": " + d.message;
    return out;
  }
  return field.empty() ? message : field + ": " + message;
}

}  // namespace icrm
