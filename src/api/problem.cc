#include "api/problem.h"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace icrm::api {

namespace {

std::string type_uri(std::string_view slug) {
  return "urn:insightcrm:problem:" + std::string(slug);
}

std::string_view status_slug(int status) {
  switch (status) {
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 411:
      return "length_required";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 431:
      return "header_too_large";
    case 501:
      return "not_implemented";
    default:
      return "http_error";
  }
}

Response render(int status, std::string_view slug, std::string_view detail,
                const std::vector<FieldError>& details) {
  boost::json::object body;
  body["type"] = type_uri(slug);
  body["title"] = status_reason(status);
  body["status"] = status;
  body["detail"] = detail;
  boost::json::array errors;
  for (const auto& d : details) {
    errors.push_back(boost::json::object{{"field", d.field}, {"message", d.message}});
  }
  body["errors"] = std::move(errors);
  Response r;
  r.status = status;
  r.content_type = std::string(kProblemContentType);
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response problem_response(const Error& error, std::chrono::seconds retry_after) {
  int status = http_status(error.code);
  if (error.code == ErrorCode::kInternal) {
    // The message may name tables, SQL or library state: log it, never send it.
    spdlog::error("internal error answered with 500: {}", error.to_string());
    return render(status, error_code_name(error.code),
                  "The server failed to handle this request; the failure has been logged.", {});
  }
  if (error.code == ErrorCode::kUnavailable) {
    spdlog::warn("dependency unavailable, answered with 503: {}", error.to_string());
  }
  // An error about one field without details still names it in `errors`, so
  // a client finds every field at fault in one place.
  std::vector<FieldError> fields = error.details;
  if (fields.empty() && !error.field.empty()) fields.push_back({error.field, error.message});
  Response r = render(status, error_code_name(error.code), error.message, fields);
  if (error.code == ErrorCode::kRateLimited || error.code == ErrorCode::kUnavailable) {
    auto after = retry_after.count() > 0                 ? retry_after
                 : error.code == ErrorCode::kRateLimited ? kDefaultRetryAfter
                                                         : kUnavailableRetryAfter;
    r.headers.set("Retry-After", std::to_string(after.count()));
  }
  if (error.code == ErrorCode::kUnauthenticated) {
    r.headers.set("WWW-Authenticate", "Bearer realm=\"insightcrm\"");
  }
  return r;
}

Response problem_response(int status, std::string_view detail) {
  return render(status, status_slug(status), detail, {});
}

}  // namespace icrm::api
