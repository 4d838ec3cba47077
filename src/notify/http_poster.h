// HttpPoster: sends one webhook POST and says what happened. The interface
// is the worker's one side effect besides the database; CurlPoster (libcurl,
// confined to http_poster.cc) is the real one.
//
// Why libcurl rather than a Boost.Beast client: a webhook URL may be https
// with any certificate chain, proxies (HTTPS_PROXY) and IPv6; libcurl does
// name resolution, TLS verification against the system CAs, connect and total
// timeouts and protocol restriction in a few options, where Beast would need
// the resolver, SSL context, SNI and timers written here.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/egress_policy.h"

namespace icrm::notify {

inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{5'000};
inline constexpr std::chrono::milliseconds kDefaultRequestTimeout{10'000};

// What a failed POST is called where admins see it (the delivery log): a
// class, never the transport's own text, which would tell open ports from
// closed ones and name internal hosts. The detail goes to the server log.
inline constexpr std::string_view kRefusedByPolicy = "connection refused by policy";
inline constexpr std::string_view kCouldNotConnect = "could not connect";
inline constexpr std::string_view kTimedOut = "timeout";
inline constexpr std::string_view kTlsError = "TLS error";
inline constexpr std::string_view kNoHttpResponse = "no valid HTTP response";
inline constexpr std::string_view kDeliveryFailed = "delivery failed";

struct PostResult {
  std::optional<int> status_code;  // none when no response came (DNS, connect, timeout)
  std::string error;               // "" when a response came; else one of the classes above
  std::string detail;              // the transport's own words: for the server log only
  std::chrono::milliseconds latency{0};
  bool ok() const { return status_code && *status_code >= 200 && *status_code < 300; }
};

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // Thread-safe: the worker may call it from its one thread while a test
  // ping runs on another.
  virtual PostResult post(const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& body) = 0;
};

struct CurlPosterOptions {
  std::chrono::milliseconds connect_timeout = kDefaultConnectTimeout;
  std::chrono::milliseconds request_timeout = kDefaultRequestTimeout;
  // Checked on the URL's scheme and on every address a connection is opened
  // to (after name resolution, so DNS cannot point a public name inside).
  // With a proxy (HTTPS_PROXY) that address is the proxy's, and the proxy
  // decides where it connects.
  EgressPolicy egress{};
};

// libcurl: https (and http when the policy allows it) only; redirects not
// followed, TLS peers verified, no signals. One easy handle per call.
std::unique_ptr<HttpPoster> make_curl_poster(CurlPosterOptions options = {});

}  // namespace icrm::notify
