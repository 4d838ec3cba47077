// Request and Response: the server's own small view of an HTTP exchange, free
// of Boost.Beast, so handlers are plain functions Request -> Response that
// tests call without a socket. The server (http_server.cc) converts to and
// from the wire; nothing else includes Beast.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/caller.h"
#include "core/result.h"

namespace icrm::api {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);
Method parse_method(std::string_view name);

// Header names compare case-insensitively; order is kept.
class Headers {
 public:
  void set(std::string name, std::string value);  // replaces every field of that name
  void add(std::string name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::kGet;
  std::string method_text;  // as sent, for 405 messages and logs
  std::string target;       // as sent: path and query, percent-encoded
  std::string path;         // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_address;
  // Filled by the router from the matched pattern: {"id", "42"}.
  std::vector<std::pair<std::string, std::string>> path_params;
  // Set by the authentication middleware (auth_middleware.h) for
  // authenticated routes; empty on public ones.
  std::optional<Caller> caller;

  // The first query parameter / path parameter of that name.
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::optional<std::string_view> path_param(std::string_view name) const;

  // Sets target, path and query from a raw request target; an invalid
  // argument when it does not parse (not origin-form, bad percent-encoding,
  // NUL or invalid UTF-8 once decoded, more than kMaxQueryParams), too_large
  // past kMaxTargetBytes.
  Status set_target(std::string raw_target);
};

class ResponseStream;  // response_stream.h

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // Set for HEAD: the headers of a GET, no body on the wire.
  bool omit_body = false;
  // A body written as it comes (server-sent events, response_stream.h):
  // `body` is then ignored and the connection closes when the stream ends.
  std::shared_ptr<ResponseStream> stream;

  static Response json(int status, std::string body);
  static Response text(int status, std::string content_type, std::string body);
};

// The reason phrase of a status code ("Not Found").
std::string_view status_reason(int status);

}  // namespace icrm::api
