// The server's reading of one request's bytes, apart from its socket: a
// Beast parser with the limits of limits.h, the body limit of the route the
// header names, and the conversion to the Beast-free Request the router
// takes. http_server.cc reads a socket with these; fuzz/http_request_fuzzer.cc
// feeds them a buffer, so what is fuzzed is what the server runs. Besides
// http_server.cc this is the one place Beast is included.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "api/http_message.h"

namespace icrm::api {

using WireParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A request body's bounds: an import upload and an event batch may be larger
// than any other body (ServerOptions holds the configured values).
struct BodyLimits {
  std::size_t body = 0;
  std::size_t upload = 0;
  std::size_t event_batch = 0;
};

// A fresh parser for the next request: the header within kMaxHeaderBytes,
// the body within the largest limit (returned) until the header names its route.
std::size_t start_request(std::optional<WireParser>& parser, const BodyLimits& limits);

// Once the header is parsed (`header_bytes` of it): the body limit of its
// route, narrowed on the parser, in *body_limit; header_limit when the header
// block is over kMaxHeaderBytes, body_limit when its Content-Length is over
// the route's limit.
boost::beast::error_code check_header(WireParser& parser, std::size_t header_bytes,
                                      const BodyLimits& limits, std::size_t* body_limit);

// The parsed request as the router sees it, with what the answer needs of
// the wire. `request.target` holds the raw target, not yet set_target's: the
// caller answers its error with 400 or 414.
struct WireRequest {
  Request request;
  unsigned version = 11;  // 10: HTTP/1.0, 11: HTTP/1.1
  bool keep_alive = false;
};
WireRequest to_request(WireParser& parser, std::string remote_address);

}  // namespace icrm::api
