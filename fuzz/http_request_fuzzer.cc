// The server's reading of requests (api/request_wire.h) on an arbitrary byte
// stream: pipelined requests parsed one after another with the server's
// header and body limits (smaller ones, so the fuzzer reaches them), each
// complete request converted to a Request with its target set, and a JSON
// body parsed as a handler would.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "api/json_body.h"
#include "api/request_wire.h"

namespace http = boost::beast::http;
using icrm::api::WireParser;

namespace {

constexpr int kMaxRequests = 16;
const icrm::api::BodyLimits kLimits{.body = 1024, .upload = 8192, .event_batch = 4096};

// Feeds `wire` to the parser until `done` says so or the bytes run out;
// returns the parser's error (need_more when the input ended first).
template <typename Done>
boost::beast::error_code feed(WireParser& parser, std::string_view& wire, std::size_t* used,
                              Done done) {
  boost::beast::error_code ec;
  while (!done()) {
    std::size_t n =
        wire.empty() ? 0 : parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
    wire.remove_prefix(n);
    *used += n;
    if (wire.empty() || (ec == http::error::need_more && n == 0)) {
      if (done()) break;
      // The client closed the connection: what the server's read then sees.
      parser.put_eof(ec);
      if (ec) return ec;
      if (!done()) return http::error::partial_message;
      break;
    }
    if (ec && ec != http::error::need_more) return ec;
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view wire(reinterpret_cast<const char*>(data), size);
  std::optional<WireParser> parser;
  for (int i = 0; i < kMaxRequests && !wire.empty(); ++i) {
    icrm::api::start_request(parser, kLimits);
    std::size_t header_bytes = 0;
    if (feed(*parser, wire, &header_bytes, [&] { return parser->is_header_done(); })) return 0;
    std::size_t body_limit = 0;
    if (icrm::api::check_header(*parser, header_bytes, kLimits, &body_limit)) return 0;
    std::size_t body_bytes = 0;
    if (feed(*parser, wire, &body_bytes, [&] { return parser->is_done(); })) return 0;
    auto read = icrm::api::to_request(*parser, "127.0.0.1");
    icrm::api::Request& request = read.request;
    if (request.body.size() > body_limit) __builtin_trap();
    if (!request.set_target(request.target)) return 0;  // a 400/414; the connection closes
    (void)request.query_param("limit");
    if (request.method == icrm::api::Method::kPost) (void)icrm::api::parse_json_body(request);
    if (!read.keep_alive) return 0;
  }
  return 0;
}
