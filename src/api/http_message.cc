#include "api/http_message.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "api/limits.h"
#include "core/text.h"

namespace icrm::api {

namespace {

bool clean_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && is_valid_utf8(s);
}

}  // namespace

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  // Methods are case-sensitive (RFC 9110 9.1).
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

void Headers::set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Status Request::set_target(std::string raw_target) {
  if (raw_target.size() > kMaxTargetBytes) {
    return Error::too_large("the request target is longer than " + std::to_string(kMaxTargetBytes) +
                            " bytes");
  }
  auto parsed = boost::urls::parse_origin_form(raw_target);
  if (!parsed) return Error::invalid("the request target is not a valid path and query");
  std::string decoded_path = parsed->path();
  if (decoded_path.empty() || decoded_path.front() != '/' || !clean_text(decoded_path)) {
    return Error::invalid("the request path is not valid UTF-8 text");
  }
  std::vector<std::pair<std::string, std::string>> params;
  for (auto param : parsed->params()) {
    if (params.size() == kMaxQueryParams) {
      return Error::too_large("more than " + std::to_string(kMaxQueryParams) + " query parameters");
    }
    std::string key = param.key;
    std::string value = param.has_value ? std::string(param.value) : std::string();
    if (!clean_text(key) || !clean_text(value)) {
      return Error::invalid("query parameter is not valid UTF-8 text", key);
    }
    params.emplace_back(std::move(key), std::move(value));
  }
  path = std::move(decoded_path);
  query = std::move(params);
  target = std::move(raw_target);
  return ok_status();
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

std::string_view status_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace icrm::api
