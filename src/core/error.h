// Error: the value every expected failure is reported as (bad input, not found,
// conflict, ...). It is converted to its outward form exactly once, at a
// boundary: problem+json in api/, an exit code and message in cli/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace icrm {

enum class ErrorCode {
  kInvalidArgument,  // the caller sent something malformed or out of range
  kNotFound,
  kConflict,  // duplicate key, illegal state transition, stale write
  kUnauthenticated,
  kPermissionDenied,
  kTooLarge,  // a named limit was exceeded
  kRateLimited,
  kUnavailable,  // a dependency (database, broker) cannot be reached
  kInternal,     // a bug or an unexpected library failure
};

std::string_view error_code_name(ErrorCode code);

// One problem with one input field; an Error may carry several (a form with
// three bad fields names all three).
struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;                // the main field at fault, if any
  std::vector<FieldError> details;  // every field at fault, for validation errors

  static Error invalid(std::string message, std::string field = {});
  static Error not_found(std::string message);
  static Error conflict(std::string message, std::string field = {});
  static Error unauthenticated(std::string message);
  static Error permission_denied(std::string message);
  static Error too_large(std::string message, std::string field = {});
  static Error rate_limited(std::string message);
  static Error unavailable(std::string message);
  static Error internal(std::string message);

  // "field: message" or "message"; what a CLI prints.
  std::string to_string() const;
};

}  // namespace icrm
