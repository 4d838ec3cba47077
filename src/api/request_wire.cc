#include "api/request_wire.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <string_view>

#include "api/limits.h"

namespace icrm::api {

namespace http = boost::beast::http;

std::size_t start_request(std::optional<WireParser>& parser, const BodyLimits& limits) {
  parser.emplace();
  // Beast checks a Content-Length against the limit while reading the
  // header; check_header narrows it to the route's.
  const std::size_t largest = std::max({limits.body, limits.upload, limits.event_batch});
  parser->body_limit(largest);
  parser->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  return largest;
}

boost::beast::error_code check_header(WireParser& parser, std::size_t header_bytes,
                                      const BodyLimits& limits, std::size_t* body_limit) {
  const auto& req = parser.get();
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  bool post = req.method() == http::verb::post;
  *body_limit = post && path == kImportUploadPath ? limits.upload
                : post && path == kEventBatchPath ? limits.event_batch
                                                  : limits.body;
  // Beast bounds the request line and the fields each by header_limit; the
  // limit we promise is on the whole header block.
  if (header_bytes > kMaxHeaderBytes) return http::error::header_limit;
  if (auto length = parser.content_length(); length && *length > *body_limit)
    return http::error::body_limit;
  parser.body_limit(*body_limit);  // a chunked body counts as it arrives
  return {};
}

WireRequest to_request(WireParser& parser, std::string remote_address) {
  auto wire = parser.release();
  WireRequest out;
  out.version = wire.version();
  out.keep_alive = wire.keep_alive();
  Request& req = out.request;
  req.method_text = std::string(wire.method_string());
  req.method = parse_method(req.method_text);
  req.remote_address = std::move(remote_address);
  for (const auto& field : wire) {
    req.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  req.target = std::string(wire.target());
  req.body = std::move(wire.body());
  return out;
}

}  // namespace icrm::api
